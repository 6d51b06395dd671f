import type { Rect } from '../core/store/schema.ts';
import type { StoreModel } from '../core/store/store-model.ts';

const CELL = 0.2;
/** Body radius kept clear of shelves and obstacles. */
export const BODY_RADIUS = 0.25;

/** Occupancy grid of the floor and A* paths on it; shoppers never cross gondolas or obstacles. */
export class WalkGrid {
  readonly cols: number;
  readonly rows: number;
  private readonly blocked: Uint8Array;
  readonly solids: Rect[];

  constructor(store: StoreModel) {
    const { width, depth } = store.config.floor;
    this.cols = Math.ceil(width / CELL);
    this.rows = Math.ceil(depth / CELL);
    this.blocked = new Uint8Array(this.cols * this.rows);
    this.solids = [
      ...store.config.gondolas.map((g) => g.footprint),
      ...store.config.obstacles.map((o) => o.area),
    ];
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < this.cols; c++) {
        const x = (c + 0.5) * CELL;
        const y = (r + 0.5) * CELL;
        const edge = x < BODY_RADIUS || y < 0.05 || x > width - BODY_RADIUS || y > depth - BODY_RADIUS;
        if (edge || this.solids.some((s) => this.near(x, y, s, BODY_RADIUS)))
          this.blocked[r * this.cols + c] = 1;
      }
    }
  }

  private near(x: number, y: number, s: Rect, m: number): boolean {
    return x > s.min[0] - m && x < s.max[0] + m && y > s.min[1] - m && y < s.max[1] + m;
  }

  /** True when (x, y) is inside a gondola or obstacle (no margin). */
  insideSolid(x: number, y: number): boolean {
    return this.solids.some((s) => this.near(x, y, s, 0));
  }

  private cell(x: number, y: number): [number, number] {
    return [
      Math.min(this.cols - 1, Math.max(0, Math.floor(x / CELL))),
      Math.min(this.rows - 1, Math.max(0, Math.floor(y / CELL))),
    ];
  }

  private free(c: number, r: number): boolean {
    return c >= 0 && r >= 0 && c < this.cols && r < this.rows && this.blocked[r * this.cols + c] === 0;
  }

  /** Nearest free cell centre to (x, y). */
  snap(x: number, y: number): [number, number] {
    const [c0, r0] = this.cell(x, y);
    for (let rad = 0; rad < Math.max(this.cols, this.rows); rad++) {
      for (let dr = -rad; dr <= rad; dr++) {
        for (let dc = -rad; dc <= rad; dc++) {
          if (Math.max(Math.abs(dr), Math.abs(dc)) !== rad) continue;
          if (this.free(c0 + dc, r0 + dr)) return [(c0 + dc + 0.5) * CELL, (r0 + dr + 0.5) * CELL];
        }
      }
    }
    return [x, y];
  }

  /** A* over 8-connected free cells, then straightened; the endpoints are snapped to free cells. */
  path(from: [number, number], to: [number, number]): Array<[number, number]> {
    const [sc, sr] = this.cell(...this.snap(...from));
    const [gc, gr] = this.cell(...this.snap(...to));
    const n = this.cols * this.rows;
    const g = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const prev = new Int32Array(n).fill(-1);
    const closed = new Uint8Array(n);
    const start = sr * this.cols + sc;
    const goal = gr * this.cols + gc;
    g[start] = 0;
    const open: number[] = [start];
    const h = (i: number) => Math.hypot((i % this.cols) - gc, Math.floor(i / this.cols) - gr);
    while (open.length > 0) {
      let bi = 0;
      for (let k = 1; k < open.length; k++)
        if (
          (g[open[k] as number] as number) + h(open[k] as number) <
          (g[open[bi] as number] as number) + h(open[bi] as number)
        )
          bi = k;
      const cur = open[bi] as number;
      open.splice(bi, 1);
      if (cur === goal) break;
      if (closed[cur]) continue;
      closed[cur] = 1;
      const cc = cur % this.cols;
      const cr = Math.floor(cur / this.cols);
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if ((dr === 0 && dc === 0) || !this.free(cc + dc, cr + dr)) continue;
          // No corner cutting past a blocked cell.
          if (dr !== 0 && dc !== 0 && (!this.free(cc + dc, cr) || !this.free(cc, cr + dr))) continue;
          const ni = (cr + dr) * this.cols + cc + dc;
          const cost = (g[cur] as number) + (dr !== 0 && dc !== 0 ? Math.SQRT2 : 1);
          if (cost < (g[ni] as number)) {
            g[ni] = cost;
            prev[ni] = cur;
            open.push(ni);
          }
        }
      }
    }
    const cells: number[] = [];
    for (let i = goal; i !== -1; i = prev[i] as number) {
      cells.push(i);
      if (i === start) break;
    }
    cells.reverse();
    const pts = cells.map(
      (i) => [((i % this.cols) + 0.5) * CELL, (Math.floor(i / this.cols) + 0.5) * CELL] as [number, number],
    );
    return this.straighten(pts);
  }

  /** Drops waypoints whose neighbours see each other through free cells. */
  private straighten(pts: Array<[number, number]>): Array<[number, number]> {
    if (pts.length <= 2) return pts;
    const out: Array<[number, number]> = [pts[0] as [number, number]];
    let anchor = 0;
    for (let i = 2; i < pts.length; i++) {
      if (!this.clear(pts[anchor] as [number, number], pts[i] as [number, number])) {
        out.push(pts[i - 1] as [number, number]);
        anchor = i - 1;
      }
    }
    out.push(pts[pts.length - 1] as [number, number]);
    return out;
  }

  clear(a: [number, number], b: [number, number]): boolean {
    const steps = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / (CELL / 3));
    for (let k = 0; k <= steps; k++) {
      const [c, r] = this.cell(a[0] + ((b[0] - a[0]) * k) / steps, a[1] + ((b[1] - a[1]) * k) / steps);
      if (!this.free(c, r)) return false;
    }
    return true;
  }
}
