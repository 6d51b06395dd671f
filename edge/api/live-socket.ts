import type { WebSocket } from 'ws';
import { formatIssues } from '../../core/validate.ts';
import type { LiveState } from './live-state.ts';
import { ClientWsMessage } from './routes-schema.ts';

/** Feeds one authenticated dashboard WebSocket from the live state until it closes. */
export function serveLiveSocket(ws: WebSocket, state: LiveState): void {
  let lastTracks = 0;
  const pending = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;
  const send = (m: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const off = state.listen({
    tracks(u) {
      // A tablet does not need 60 Hz: 10 updates a second keep dots smooth.
      const now = performance.now();
      if (now - lastTracks < 100) return;
      lastTracks = now;
      send({ type: 'tracks', ...u });
    },
    flash: (plates) => send({ type: 'flash', plates }),
    // Coalesced: a busy shelf changes inventory many times a second; clients refetch at most 5×/s.
    changed: (what) => {
      pending.add(what);
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        for (const w of pending) send({ type: 'changed', what: w });
        pending.clear();
      }, 200);
    },
  });
  ws.on('message', (data) => {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      send({ type: 'error', error: 'message: not valid JSON' });
      return;
    }
    const r = ClientWsMessage.safeParse(json);
    if (!r.success) send({ type: 'error', error: formatIssues(r.error).join('; ') });
    else send({ type: 'pong' });
  });
  ws.on('close', () => {
    off();
    clearTimeout(flushTimer);
  });
  send({ type: 'hello' });
}
