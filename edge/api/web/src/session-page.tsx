import { useEffect, useState } from 'preact/hooks';
import { api, type Session, type ShelfEventView } from './api.ts';
import { TraceChart } from './trace-chart.tsx';

/** One session: its cart lines and, per shelf event, the weight traces, hypotheses and association. */
export function SessionPage(props: { id: string; tick: number }) {
  const [s, setS] = useState<(Session & { events: ShelfEventView[] }) | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<Session & { events: ShelfEventView[] }>(`/api/sessions/${encodeURIComponent(props.id)}`).then(
      setS,
      (e: Error) => setError(e.message),
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
          {s.lines.map((l) => (
            <tr key={l.sku}>
              <td>{l.name}</td>
              <td class="mono">{l.sku}</td>
              <td>× {l.quantity}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Evidence</h3>
      {s.events.map((e) => (
        <div class="card evidence" key={e.id} data-event={e.id}>
          <div>
            <b>{e.id}</b> Δ {e.deltaGrams.toFixed(0)} g on {e.plates.map((p) => p.plateId).join(', ')}
            {e.review && <span class="badge warn"> review: {e.review}</span>}
          </div>
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
