/** Box as [x1, y1, x2, y2]. */
export type Box = readonly [number, number, number, number];

export function iou(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression; returns kept indices, best score first. */
export function nms(
  boxes: readonly Box[],
  scores: readonly number[],
  iouThreshold: number,
  maxOut = 100,
): number[] {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  const keep: number[] = [];
  for (const i of order) {
    if (keep.length >= maxOut) break;
    const bi = boxes[i];
    if (bi && keep.every((j) => iou(bi, boxes[j] as Box) <= iouThreshold)) keep.push(i);
  }
  return keep;
}
