import { CameraModel } from '../../core/geometry/camera-model.ts';
import type { StoreModel } from '../../core/store/store-model.ts';

/**
 * Which cameras see a set of plates, best view first: a camera sees a plate when the plate's centre
 * projects inside its image (with a margin). Cameras seeing more of the plates rank first, then the
 * nearer ones (more pixels on the hand at the shelf). Occlusion by gondolas is not modelled: the
 * dashboard offers every such still and the reviewer looks.
 */
export class CameraCoverage {
  private readonly models: CameraModel[];
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly store: StoreModel) {
    this.models = store.config.cameras.map((c) => new CameraModel(c));
  }

  camerasSeeing(plateIds: readonly string[]): string[] {
    const key = [...plateIds].sort().join(',');
    const hit = this.cache.get(key);
    if (hit) return hit;
    const scored: Array<{ id: string; seen: number; depth: number }> = [];
    for (const m of this.models) {
      let seen = 0;
      let depth = 0;
      for (const pid of plateIds) {
        const plate = this.store.plate(pid);
        if (!plate) continue;
        const px = m.project(plate.centre);
        if (!px || !m.inImage(px[0], px[1], Math.min(m.width, m.height) * 0.02)) continue;
        seen++;
        depth += px[2];
      }
      if (seen > 0) scored.push({ id: m.id, seen, depth: depth / seen });
    }
    scored.sort((a, b) => b.seen - a.seen || a.depth - b.depth);
    const ids = scored.map((s) => s.id);
    // Plate sets are few (one per facing/neighbour group): the cache stays small.
    if (this.cache.size < 10_000) this.cache.set(key, ids);
    return ids;
  }
}
