import { CameraModel } from '../../core/geometry/camera-model.ts';
import type { CameraPoses, PersonDetection } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';

/** A person for synthetic frames: floor position, and where each wrist is (store frame). */
export interface Body {
  x: number;
  y: number;
  leftWrist?: [number, number, number];
  rightWrist?: [number, number, number];
  /** Clothing colours the pose worker would report (every camera alike). */
  appearance?: PersonDetection['appearance'];
}

/** COCO-17 joints of a standing person facing +x, 1.75 m tall. */
function joints(b: Body): Array<[number, number, number]> {
  const { x, y } = b;
  const j: Array<[number, number, number]> = [
    [x + 0.1, y, 1.62],
    [x + 0.08, y + 0.04, 1.66],
    [x + 0.08, y - 0.04, 1.66],
    [x, y + 0.08, 1.63],
    [x, y - 0.08, 1.63],
    [x, y + 0.2, 1.45],
    [x, y - 0.2, 1.45],
    [x, y + 0.25, 1.15],
    [x, y - 0.25, 1.15],
    b.leftWrist ?? [x + 0.05, y + 0.27, 0.88],
    b.rightWrist ?? [x + 0.05, y - 0.27, 0.88],
    [x, y + 0.1, 0.92],
    [x, y - 0.1, 0.92],
    [x, y + 0.1, 0.5],
    [x, y - 0.1, 0.5],
    [x, y + 0.1, 0.08],
    [x, y - 0.1, 0.08],
  ];
  return j;
}

/** Projects bodies through every camera, the way a pose model would report them (no identities). */
export function framesAt(store: StoreModel, t: number, bodies: Body[], frame: number): CameraPoses[] {
  const out: CameraPoses[] = [];
  for (const cfg of store.config.cameras) {
    const cam = new CameraModel(cfg);
    const persons: CameraPoses['persons'] = [];
    for (const b of bodies) {
      const kps = joints(b).map((p) => {
        const px = cam.project(p);
        return px && cam.inImage(px[0], px[1])
          ? ([px[0], px[1], 0.9] as [number, number, number])
          : ([0, 0, 0] as [number, number, number]);
      });
      const vis = kps.filter((k) => k[2] > 0);
      if (vis.length < 8) continue;
      const xs = vis.map((k) => k[0]);
      const ys = vis.map((k) => k[1]);
      persons.push({
        score: 0.9,
        box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
        keypoints: kps,
        ...(b.appearance ? { appearance: b.appearance } : {}),
      });
    }
    out.push({ cameraId: cfg.id, frame, t, persons });
  }
  return out;
}
