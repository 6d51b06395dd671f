import { useState } from 'preact/hooks';
import { api, type Me, type SessionView, type StoreInfo } from './api.ts';

interface Draft {
  sku: string;
  quantity: number;
  fromSku: string;
}

function ReviewItem(props: { me: Me; s: SessionView; store: StoreInfo; onDone: () => void }) {
  const { s, store } = props;
  const [lines, setLines] = useState<Draft[]>(
    (s.receipt?.lines ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity, fromSku: l.sku })),
  );
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState('');
  const can = props.me.role === 'reviewer';
  const set = (i: number, patch: Partial<Draft>) =>
    setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const release = async () => {
    try {
      await api(`/api/review/${encodeURIComponent(s.sessionId)}/release`, {
        method: 'POST',
        body: {
          reason,
          lines: lines.map((l) => ({
            sku: l.sku,
            quantity: l.quantity,
            ...(l.fromSku !== l.sku ? { fromSku: l.fromSku } : {}),
          })),
        },
      });
      setMsg('Released for charging');
      props.onDone();
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  return (
    <div class="card review" data-review={s.sessionId}>
      <h3>
        <a href={`#/session/${encodeURIComponent(s.sessionId)}`}>{s.sessionId}</a>{' '}
        <span class="muted">confidence {((s.receipt?.confidence ?? 0) * 100).toFixed(0)}%</span>
      </h3>
      <p class="muted">{s.receipt?.reviewReasons.join('; ')}</p>
      <table class="list">
        <tbody>
          {lines.map((l, i) => (
            <tr key={l.fromSku} data-line={l.fromSku}>
              <td>
                <select
                  disabled={!can}
                  value={l.sku}
                  onChange={(e) => set(i, { sku: (e.target as HTMLSelectElement).value })}
                  aria-label="product"
                >
                  {store.products.map((p) => (
                    <option key={p.sku} value={p.sku}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  max={999}
                  disabled={!can}
                  value={l.quantity}
                  aria-label="quantity"
                  onInput={(e) => set(i, { quantity: Number((e.target as HTMLInputElement).value) })}
                />
              </td>
              <td>
                <button type="button" disabled={!can} onClick={() => set(i, { quantity: 0 })}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {can ? (
        <div class="row">
          <input
            placeholder="Reason (recorded in the audit log)"
            value={reason}
            aria-label="reason"
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
          <button type="button" class="primary" onClick={release}>
            Release for charging
          </button>
        </div>
      ) : (
        <p class="muted" data-testid="viewer-note">
          Viewers cannot resolve reviews.
        </p>
      )}
      {msg && <p role="status">{msg}</p>}
    </div>
  );
}

/** Carts the edge would not charge on its own; a reviewer corrects lines and releases them. */
export function ReviewPage(props: { me: Me; queue: SessionView[]; store: StoreInfo; onDone: () => void }) {
  return (
    <div data-testid="review-queue">
      {props.queue.length === 0 && <p class="muted">No carts await review</p>}
      {props.queue.map((s) => (
        <ReviewItem key={s.sessionId} me={props.me} s={s} store={props.store} onDone={props.onDone} />
      ))}
    </div>
  );
}
