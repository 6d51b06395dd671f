import { writeFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS: under plain Node ESM only its default export is reliable.
const { onnx } = onnxProto;

export interface Anchor {
  cx: number;
  cy: number;
  w: number;
  h: number;
  score: number;
}

/** Keypoint j of an anchor sits at (cx + j, cy) with visibility 0.9 (input pixels). */
export const kpOf = (a: Anchor, j: number): [number, number, number] => [a.cx + j, a.cy, 0.9];

/**
 * Writes a tiny YOLO-pose-shaped ONNX model: output0 = ReduceMax(images) × C, with C a constant
 * [1, 56, N] head. A white frame (1.0 after /255) yields exactly C; a black frame yields zeros.
 * That checks preprocessing, the session, output decoding and NMS end to end without weights.
 */
export async function writeYoloPoseModel(file: string, size: number, anchors: Anchor[]): Promise<void> {
  const n = anchors.length;
  const c = new Float32Array(56 * n);
  anchors.forEach((a, i) => {
    const rows = [a.cx, a.cy, a.w, a.h, a.score];
    for (let j = 0; j < 17; j++) rows.push(...kpOf(a, j));
    rows.forEach((v, r) => {
      c[r * n + i] = v;
    });
  });
  const F = onnx.TensorProto.DataType.FLOAT;
  const dims = (d: number[]) => ({ dim: d.map((v) => ({ dimValue: v })) });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'walkout-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'yolo-pose-stub',
      initializer: [{ name: 'head', dataType: F, dims: [1, 56, n], rawData: new Uint8Array(c.buffer) }],
      node: [
        {
          opType: 'ReduceMax',
          input: ['images'],
          output: ['peak'],
          attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
        { opType: 'Mul', input: ['peak', 'head'], output: ['output0'] },
      ],
      input: [{ name: 'images', type: { tensorType: { elemType: F, shape: dims([1, 3, size, size]) } } }],
      output: [{ name: 'output0', type: { tensorType: { elemType: F, shape: dims([1, 56, n]) } } }],
    },
  });
  await writeFile(file, onnx.ModelProto.encode(model).finish());
}
