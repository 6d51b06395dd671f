import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  type AlertView,
  type AuditRow,
  api,
  type InventoryView,
  type Me,
  type SessionView,
  type StoreInfo,
} from './api.ts';
import { CamerasPage } from './cameras-page.tsx';
import { Alerts, Audit, Inventory, Sessions } from './list-tables.tsx';
import { ReviewPage } from './review-page.tsx';
import { SessionPage } from './session-page.tsx';
import { StoreMap, type TrackDot } from './store-map.tsx';

function useHash(): string {
  const [h, setH] = useState(location.hash.slice(1) || '/map');
  useEffect(() => {
    const on = () => setH(location.hash.slice(1) || '/map');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return h;
}

export function Dashboard(props: { me: Me; onLogout: () => void }) {
  const route = useHash();
  const [store, setStore] = useState<StoreInfo | null>(null);
  const [tracks, setTracks] = useState<TrackDot[]>([]);
  const [flashing, setFlashing] = useState<Set<string>>(new Set());
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [review, setReview] = useState<SessionView[]>([]);
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  const [inventory, setInventory] = useState<InventoryView[]>([]);
  const [audit, setAudit] = useState<AuditRow[]>([]);
  const [tick, setTick] = useState(0);
  // Camera status changes must not re-mount previews' players, only refetch the list.
  const [cameraTick, setCameraTick] = useState(0);
  const [live, setLive] = useState(false);

  const refresh = useCallback((what: string) => {
    const fail = (e: Error) => console.warn(what, e.message);
    if (what === 'sessions') api<SessionView[]>('/api/sessions').then(setSessions, fail);
    if (what === 'review') api<SessionView[]>('/api/review').then(setReview, fail);
    if (what === 'alerts') api<AlertView[]>('/api/alerts').then(setAlerts, fail);
    if (what === 'inventory') api<InventoryView[]>('/api/inventory').then(setInventory, fail);
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
