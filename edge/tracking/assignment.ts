/**
 * Minimum-cost assignment of rows to columns (Hungarian method, shortest augmenting paths; O(n²m)).
 * `cost[i][j]` is the cost of pairing row i with column j; `Infinity` forbids the pair. Rows may be
 * left unassigned: each row can instead pay `unassigned` (a gate), so a detection far from every track
 * stays free rather than stealing one. Returns, per row, the column or -1.
 *
 * Greedy nearest-first matching swaps identities when two people cross: the globally cheapest pairing
 * is what keeps both.
 */
export function assign(
  cost: ReadonlyArray<ReadonlyArray<number>>,
  cols: number,
  unassigned: number,
): number[] {
  const rows = cost.length;
  if (rows === 0) return [];
  // Pad with one dummy column per row: pairing row i with its dummy costs `unassigned`.
  const m = cols + rows;
  const c = (i: number, j: number): number => {
    if (j >= cols) return j - cols === i ? unassigned : Number.POSITIVE_INFINITY;
    const v = cost[i]?.[j] ?? Number.POSITIVE_INFINITY;
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  // Potentials u (rows, 1-based) and v (columns, 1-based); p[j] = row matched to column j.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = -1;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c(i0 - 1, j - 1) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      // The dummy column guarantees a finite path for every row.
      if (j1 < 0 || !Number.isFinite(delta)) break;
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const r = p[j] as number;
          u[r] = (u[r] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minv[j] = (minv[j] as number) - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const r = p[j] as number;
    if (r > 0) out[r - 1] = j - 1;
  }
  return out;
}
