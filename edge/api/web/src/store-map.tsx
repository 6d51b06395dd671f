import type { StoreInfo } from './api.ts';

export interface TrackDot {
  trackId: string;
  sessionId: string | null;
  trail: Array<[number, number]>;
}

const COLORS = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2'];
function colorOf(id: string | null): string {
  if (!id) return '#6b7280';
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length] as string;
}

/** Floor plan in metres (SVG user units): gondolas with their plates, zones, shoppers with trails. */
export function StoreMap(props: {
  store: StoreInfo;
  tracks: TrackDot[];
  flashing: Set<string>;
  onSession: (id: string) => void;
}) {
  const { store } = props;
  const w = store.floor.width;
  const d = store.floor.depth;
  const r = (a: { min: [number, number]; max: [number, number] }) => ({
    x: a.min[0],
    y: a.min[1],
    width: a.max[0] - a.min[0],
    height: a.max[1] - a.min[1],
  });
  return (
    <svg class="map" viewBox={`-0.2 -0.2 ${w + 0.4} ${d + 0.4}`} data-testid="store-map">
      <rect x={0} y={0} width={w} height={d} class="floor" />
      {store.zones.map((z) => (
        <g key={z.id}>
          <rect {...r(z.area)} class={`zone zone-${z.kind}`} />
          {z.kind !== 'aisle' && (
            <text x={z.area.min[0] + 0.1} y={z.area.min[1] + 0.35} class="label">
              {z.kind}
            </text>
          )}
        </g>
      ))}
      {store.obstacles.map((o) => (
        <rect key={o.id} {...r(o.area)} class="obstacle" />
      ))}
      {store.gondolas.map((g) => (
        <g key={g.id}>
          <rect {...r(g.footprint)} class="gondola" />
          {g.plates.map((p) => (
            <rect
              key={p.id}
              x={p.box.min[0]}
              y={p.box.min[1]}
              width={(p.box.max[0] ?? 0) - (p.box.min[0] ?? 0)}
              height={(p.box.max[1] ?? 0) - (p.box.min[1] ?? 0)}
              class={props.flashing.has(p.id) ? 'plate flash' : 'plate'}
              data-plate={p.id}
            />
          ))}
        </g>
      ))}
      {props.tracks.map((t) => {
        const last = t.trail[t.trail.length - 1];
        if (!last) return null;
        const c = colorOf(t.sessionId);
        return (
          <g
            key={t.trackId}
            class="track"
            data-session={t.sessionId ?? ''}
            onClick={() => t.sessionId && props.onSession(t.sessionId)}
          >
            <polyline
              points={t.trail.map(([x, y]) => `${x},${y}`).join(' ')}
              fill="none"
              stroke={c}
              stroke-width={0.06}
              opacity={0.5}
            />
            <circle cx={last[0]} cy={last[1]} r={0.22} fill={c} class="dot" />
          </g>
        );
      })}
    </svg>
  );
}
