/** A line segment on the floor (m), such as a gate's line: [[x1, y1], [x2, y2]]. */
export type FloorLine = readonly [readonly [number, number], readonly [number, number]];

/** Whether the step a → b crosses the segment: what both the simulator and the tracker call a passage. */
export function crossesLine(a: readonly number[], b: readonly number[], line: FloorLine): boolean {
  const [[x1, y1], [x2, y2]] = line;
  const [ax, ay, bx, by] = [a[0] ?? 0, a[1] ?? 0, b[0] ?? 0, b[1] ?? 0];
  const across = (px: number, py: number) => (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  return cross(ax, ay, line) * cross(bx, by, line) < 0 && across(x1, y1) * across(x2, y2) < 0;
}

/** Signed area of the line and a point: which side of the (infinite) line the point lies on. */
function cross(x: number, y: number, line: FloorLine): number {
  const [[x1, y1], [x2, y2]] = line;
  return (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
}

/** Which side of the line a point is on: 1, −1, or 0 on it. */
export function sideOfLine(x: number, y: number, line: FloorLine): number {
  return Math.sign(cross(x, y, line));
}

/** Distance (m) from a floor point to the segment. */
export function distanceToLine(x: number, y: number, line: FloorLine): number {
  const [[ax, ay], [bx, by]] = line;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const s = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
  return Math.hypot(x - (ax + s * dx), y - (ay + s * dy));
}
