import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  type AlertView,
  type AuditRow,
  api,
  type InventoryRow,
  type Me,
  type Session,
  type StoreInfo,
} from './api.ts';
import { CamerasPage } from './cameras-page.tsx';
import { ReviewPage } from './review-page.tsx';
import { SessionPage } from './session-page.tsx';
import { StoreMap, type TrackDot } from './store-map.tsx';
import './style.css';

function useHash(): string {
  const [h, setH] = useState(location.hash.slice(1) || '/map');
  useEffect(() => {
    const on = () => setH(location.hash.slice(1) || '/map');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return h;
}

const fmtTime = (t: number) => new Date(t).toLocaleTimeString();

function Login(props: { onLogin: (m: Me) => void }) {
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    try {
      props.onLogin(
        await api<Me>('/api/login', {
          method: 'POST',
          body: { username: f.get('username'), password: f.get('password') },
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="login card" onSubmit={submit}>
      <h1>Walkout operator</h1>
      <label>
        Username <input name="username" autocomplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit">Log in</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Sessions(props: { sessions: Session[] }) {
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

function Alerts(props: { alerts: AlertView[] }) {
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

function Inventory(props: { rows: InventoryRow[] }) {
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

function Audit(props: { rows: AuditRow[] }) {
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

function Dashboard(props: { me: Me; onLogout: () => void }) {
  const route = useHash();
  const [store, setStore] = useState<StoreInfo | null>(null);
  const [tracks, setTracks] = useState<TrackDot[]>([]);
  const [flashing, setFlashing] = useState<Set<string>>(new Set());
  const [sessions, setSessions] = useState<Session[]>([]);
  const [review, setReview] = useState<Session[]>([]);
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  const [inventory, setInventory] = useState<InventoryRow[]>([]);
  const [audit, setAudit] = useState<AuditRow[]>([]);
  const [tick, setTick] = useState(0);
  // Camera status changes must not re-mount previews' players, only refetch the list.
  const [cameraTick, setCameraTick] = useState(0);
  const [live, setLive] = useState(false);

  const refresh = useCallback((what: string) => {
    const fail = (e: Error) => console.warn(what, e.message);
    if (what === 'sessions') api<Session[]>('/api/sessions').then(setSessions, fail);
    if (what === 'review') api<Session[]>('/api/review').then(setReview, fail);
    if (what === 'alerts') api<AlertView[]>('/api/alerts').then(setAlerts, fail);
    if (what === 'inventory') api<InventoryRow[]>('/api/inventory').then(setInventory, fail);
    if (what === 'audit') api<AuditRow[]>('/api/audit').then(setAudit, fail);
    if (what === 'cameras') {
      setCameraTick((t) => t + 1);
      return;
    }
    setTick((t) => t + 1);
  }, []);

  useEffect(() => {
    api<StoreInfo>('/api/store').then(setStore, () => props.onLogout());
    for (const w of ['sessions', 'review', 'alerts', 'inventory', 'audit']) refresh(w);
    let ws: WebSocket | undefined;
    let stopped = false;
    const connect = () => {
      ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
      ws.onopen = () => setLive(true);
      ws.onclose = () => {
        setLive(false);
        if (!stopped) setTimeout(connect, 1000);
      };
      ws.onmessage = (ev) => {
        const m = JSON.parse(String(ev.data));
        if (m.type === 'tracks') setTracks(m.tracks);
        else if (m.type === 'changed') refresh(m.what);
        else if (m.type === 'flash') {
          setFlashing((f) => new Set([...f, ...m.plates]));
          setTimeout(() => setFlashing((f) => new Set([...f].filter((p) => !m.plates.includes(p)))), 1200);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      ws?.close();
    };
  }, [refresh, props.onLogout]);

  const logout = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => undefined);
    props.onLogout();
  };
  const nav = [
    ['/map', 'Map'],
    ['/sessions', `Sessions (${sessions.length})`],
    ['/review', `Review (${review.length})`],
    ['/alerts', `Alerts (${alerts.length})`],
    ['/inventory', 'Inventory'],
    ['/cameras', 'Cameras'],
    ['/audit', 'Audit log'],
  ] as const;
  const sessionMatch = /^\/session\/(.+)$/.exec(route);
  const open = (id: string) => {
    location.hash = `#/session/${encodeURIComponent(id)}`;
  };
  return (
    <div class="app">
      <header>
        <b>Walkout</b> <span class="muted">{store?.name}</span>
        <nav>
          {nav.map(([h, label]) => (
            <a key={h} href={`#${h}`} class={route === h ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class={live ? 'live on' : 'live'}>{live ? '● live' : '○ offline'}</span>
        <span data-testid="whoami">
          {props.me.username} ({props.me.role})
        </span>
        <button type="button" onClick={logout}>
          Log out
        </button>
      </header>
      <main>
        {route === '/map' && store && (
          <div class="split">
            <StoreMap store={store} tracks={tracks} flashing={flashing} onSession={open} />
            <aside>
              <h3>Live sessions</h3>
              <Sessions sessions={sessions.filter((s) => !s.receipt)} />
              <h3>Latest alerts</h3>
              <Alerts alerts={alerts.slice(0, 5)} />
            </aside>
          </div>
        )}
        {route === '/sessions' && <Sessions sessions={sessions} />}
        {sessionMatch && <SessionPage id={decodeURIComponent(sessionMatch[1] ?? '')} tick={tick} />}
        {route === '/review' && store && (
          <ReviewPage me={props.me} queue={review} store={store} onDone={() => refresh('audit')} />
        )}
        {route === '/alerts' && <Alerts alerts={alerts} />}
        {route === '/inventory' && <Inventory rows={inventory} />}
        {route === '/audit' && <Audit rows={audit} />}
        {route === '/cameras' && <CamerasPage tick={cameraTick} />}
      </main>
    </div>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('/api/me').then(setMe, () => setMe(null));
  }, []);
  const logout = useCallback(() => setMe(null), []);
  if (me === undefined) return <p>Loading…</p>;
  if (me === null) return <Login onLogin={setMe} />;
  return <Dashboard me={me} onLogout={logout} />;
}

render(<App />, document.getElementById('app') as HTMLElement);
