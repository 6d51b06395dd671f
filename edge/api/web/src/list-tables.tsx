import type { AlertView, AuditRow, InventoryView, SessionView } from './api.ts';

const fmtTime = (t: number) => new Date(t).toLocaleTimeString();

export function Sessions(props: { sessions: SessionView[] }) {
  return (
    <table class="list" data-testid="sessions">
      <thead>
        <tr>
          <th>Session</th>
          <th>State</th>
          <th>Entered</th>
          <th>Group</th>
          <th>Items</th>
          <th>Confidence</th>
        </tr>
      </thead>
      <tbody>
        {props.sessions.map((s) => (
          <tr key={s.sessionId} data-session={s.sessionId}>
            <td>
              <a href={`#/session/${encodeURIComponent(s.sessionId)}`}>{s.sessionId}</a>{' '}
              <span class="muted">{s.tokenHint}</span>
            </td>
            <td>
              <span class={`badge ${s.receipt?.status === 'review' && !s.released ? 'warn' : ''}`}>
                {s.released ? 'released' : s.receipt ? s.receipt.status : s.state}
              </span>
            </td>
            <td>{fmtTime(s.enteredAt)}</td>
            <td>{s.members}</td>
            <td>{s.lines.reduce((a, l) => a + l.quantity, 0)}</td>
            <td>{(s.confidence * 100).toFixed(0)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Alerts(props: { alerts: AlertView[] }) {
  return (
    <ul class="alerts" data-testid="alerts">
      {props.alerts.length === 0 && <li class="muted">No alerts</li>}
      {props.alerts.map((a) => (
        <li key={a.id} class={`alert ${a.severity}`} data-kind={a.kind}>
          <b>{a.kind}</b> {a.message} <span class="muted">{fmtTime(a.t)}</span>
        </li>
      ))}
    </ul>
  );
}

export function Inventory(props: { rows: InventoryView[] }) {
  return (
    <table class="list" data-testid="inventory">
      <thead>
        <tr>
          <th>Product</th>
          <th>Plates</th>
          <th>Units</th>
          <th>Stocked</th>
          <th>Grams</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={`${r.sku}${r.plates.join()}`} class={r.units <= r.stocked * 0.2 ? 'low' : ''}>
            <td>{r.name}</td>
            <td>{r.plates.join(', ')}</td>
            <td>{r.units}</td>
            <td>{r.stocked}</td>
            <td>{r.grams}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Audit(props: { rows: AuditRow[] }) {
  return (
    <table class="list" data-testid="audit">
      <thead>
        <tr>
          <th>Time</th>
          <th>Operator</th>
          <th>Action</th>
          <th>Session</th>
          <th>Reason</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.id}>
            <td>{fmtTime(r.at)}</td>
            <td>{r.operator}</td>
            <td>{r.action}</td>
            <td>{r.sessionId}</td>
            <td>{r.reason}</td>
            <td class="mono">{r.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
