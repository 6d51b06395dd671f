import { useEffect, useState } from 'preact/hooks';
import { api, type EventView, type SessionView, type SnapshotRef } from './api.ts';
import { TraceChart } from './trace-chart.tsx';

type Detail = SessionView & { events: EventView[]; snapshots: Record<string, SnapshotRef[]> };

/** The events behind a cart line: the receipt's evidence once finalised, else the best hypotheses. */
function lineEvents(s: Detail, sku: string): EventView[] {
  const ids = s.receipt?.lines.find((l) => l.sku === sku)?.evidence?.map((e) => e.eventId);
  return ids
    ? s.events.filter((e) => ids.includes(e.id))
    : s.events.filter((e) => e.hypotheses[0]?.sku === sku);
}

const caption = (r: SnapshotRef, e: EventView) =>
  `${r.cameraId} · ${new Date(r.t).toLocaleTimeString()} (${((r.t - (e.t0 + e.t1) / 2) / 1000).toFixed(1)} s from the event)`;

/** One session: its cart lines and, per shelf event, the weight traces, hypotheses and association. */
export function SessionPage(props: { id: string; tick: number }) {
  const [s, setS] = useState<Detail | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<Detail>(`/api/sessions/${encodeURIComponent(props.id)}`).then(setS, (e: Error) =>
      setError(e.message),
    );
  }, [props.id, props.tick]);
  if (error) return <p class="error">{error}</p>;
  if (!s) return <p>Loading…</p>;
  return (
    <div class="session" data-testid="session-page">
      <h2>
        Session {s.sessionId}{' '}
        <span class="badge">{s.released ? 'released' : (s.receipt?.status ?? s.state)}</span>
      </h2>
      <p class="muted">
        Entered {new Date(s.enteredAt).toLocaleTimeString()} · group of {s.members} · confidence{' '}
        {(s.confidence * 100).toFixed(0)}%
        {s.receipt?.reviewReasons.length ? ` · review: ${s.receipt.reviewReasons.join('; ')}` : ''}
      </p>
      <h3>Cart</h3>
      <table class="list" data-testid="cart">
        <tbody>
          {s.lines.length === 0 && (
            <tr>
              <td class="muted">empty</td>
            </tr>
          )}
          {s.lines.map((l) => {
            const ev = lineEvents(s, l.sku)
              .reverse()
              .find((e) => (s.snapshots[e.id]?.length ?? 0) > 0);
            const snap = ev ? s.snapshots[ev.id]?.[0] : undefined;
            return (
              <tr key={l.sku} data-line={l.sku}>
                <td>
                  {snap && ev ? (
                    <a href={snap.url} target="_blank" rel="noreferrer">
                      <img class="thumb" data-testid="line-snapshot" src={snap.url} alt={caption(snap, ev)} />
                    </a>
                  ) : (
                    <span class="muted">no still</span>
                  )}
                </td>
                <td>{l.name}</td>
                <td class="mono">{l.sku}</td>
                <td>× {l.quantity}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Evidence</h3>
      {s.events.map((e) => (
        <div class="card evidence" key={e.id} data-event={e.id}>
          <div>
            <b>{e.id}</b> Δ {e.deltaGrams.toFixed(0)} g on {e.plates.map((p) => p.plateId).join(', ')}
            {e.review && <span class="badge warn"> review: {e.review}</span>}
          </div>
          {(s.snapshots[e.id]?.length ?? 0) > 0 && (
            <div class="snapshots">
              {s.snapshots[e.id]?.map((r) => (
                <figure key={r.url}>
                  <img src={r.url} alt={caption(r, e)} data-testid="event-snapshot" />
                  <figcaption>{caption(r, e)}</figcaption>
                </figure>
              ))}
            </div>
          )}
          <div class="charts">
            {e.plates.map((p) => (
              <TraceChart key={p.plateId} plateId={p.plateId} t0={e.t0} points={e.traces[p.plateId] ?? []} />
            ))}
          </div>
          <div class="cols">
            <div>
              <h4>Items</h4>
              {e.hypotheses.slice(0, 3).map((h) => (
                <div key={`${h.sku}${h.count}${h.kind}`}>
                  {h.kind} {h.count} × {h.sku} — {(h.prob * 100).toFixed(0)}%
                </div>
              ))}
            </div>
            <div>
              <h4>Association</h4>
              {e.candidates.slice(0, 3).map((c) => (
                <div key={c.sessionId}>
                  {c.sessionId} — {(c.prob * 100).toFixed(0)}%
                </div>
              ))}
            </div>
          </div>
        </div>
      ))}
      {s.events.length === 0 && <p class="muted">No shelf events yet</p>}
    </div>
  );
}
