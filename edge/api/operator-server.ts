import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import type { z } from 'zod';
import { createLogger } from '../../core/log.ts';
import type { Receipt, ReceiptLine } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { formatIssues } from '../../core/validate.ts';
import type { Bus } from '../bus/index.ts';
import { CameraRoutes } from './camera-routes.ts';
import type { SnapshotSource } from './camera-snapshots.ts';
import { LiveState, type RetentionOptions } from './live-state.ts';
import { AuthError, OperatorDb, type Role } from './operator-db.ts';
import { ClientWsMessage, LoginBody, ReleaseBody, SessionParams } from './routes-schema.ts';
import { ensureWebBuilt, WEB_DIST } from './web-build.ts';

const log = createLogger('edge.api');
const COOKIE = 'wo_op';

export interface OperatorApiOptions {
  bus: Bus;
  store: StoreModel;
  /** SQLite file for operators, login sessions, audit log and released carts. */
  dbPath: string;
  port?: number;
  host?: string;
  /** Called once per released review cart with the corrected receipt (status `charge`). */
  onRelease?: (receipt: Receipt) => Promise<unknown> | unknown;
  /**
   * Camera id → loopback WebSocket URL of its MPEG-TS preview (startCameraPreviews().urls); browsers
   * reach it through the authenticated relay /ws/cameras/:id.
   */
  cameraPreviews?: Record<string, string>;
  /** Recent camera stills (CameraSnapshots): the session page shows the one nearest each event. */
  snapshots?: SnapshotSource;
  snapshotMaxDtMs?: number;
  sessionTtlMs?: number;
  retention?: RetentionOptions;
}

export interface OperatorApi {
  url: string;
  db: OperatorDb;
  state: LiveState;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, `${subject}: ${formatIssues(r.error).join('; ')}`);
  return r.data;
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return undefined;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Applies a reviewer's line decisions to a receipt; evidence follows the line it was recorded for. */
export function applyReview(r: Receipt, decided: ReleaseBody['lines']): Receipt {
  const lines: ReceiptLine[] = [];
  for (const d of decided) {
    if (d.quantity === 0) continue;
    const orig = r.lines.find((l) => l.sku === (d.fromSku ?? d.sku));
    const existing = lines.find((l) => l.sku === d.sku);
    if (existing) existing.quantity += d.quantity;
    else lines.push({ sku: d.sku, quantity: d.quantity, evidence: orig?.evidence ?? [] });
  }
  return { ...r, status: 'charge', lines };
}

/** Starts the operator dashboard: REST + WebSocket feed of the bus + the built web app. */
export async function startOperatorApi(o: OperatorApiOptions): Promise<OperatorApi> {
  await ensureWebBuilt();
  const db = new OperatorDb(o.dbPath, o.sessionTtlMs);
  // Releases are recorded by db.markReleased in the release route; the state only asks.
  const released = { has: (id: string) => db.isReleased(id), add: () => undefined };
  const state = new LiveState(o.store, o.bus, released, o.retention);
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof HttpError || err instanceof AuthError)
      return reply.code(err.status).send({ error: err.message });
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: (err as Error).message });
    log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });

  const auth = (req: Pick<FastifyRequest, 'headers'>, need?: Role) => {
    const op = db.authenticate(cookieToken(req.headers.cookie));
    if (need === 'reviewer' && op.role !== 'reviewer') throw new AuthError(403, 'reviewer role required');
    return op;
  };
  const cameras = new CameraRoutes({
    store: o.store,
    state,
    previews: o.cameraPreviews ?? {},
    snapshots: o.snapshots,
    snapshotMaxDtMs: o.snapshotMaxDtMs ?? 5000,
    auth,
    notFound: (m) => new HttpError(404, m),
  });
  cameras.register(app);

  app.post('/api/login', async (req, reply) => {
    const b = parse(LoginBody, req.body, 'login');
    const s = await db.login(b.username, b.password);
    const maxAge = Math.floor((s.expiresAt - Date.now()) / 1000);
    void reply.header(
      'set-cookie',
      `${COOKIE}=${s.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}`,
    );
    return { username: b.username, role: s.role, expiresAt: s.expiresAt };
  });
  app.post('/api/logout', async (req, reply) => {
    const t = cookieToken(req.headers.cookie);
    if (t) db.logout(t);
    void reply.header('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { ok: true };
  });
  app.get('/api/me', async (req) => auth(req));
  app.get('/api/store', async (req) => {
    auth(req);
    const c = o.store.config;
    return {
      id: c.id,
      name: c.name,
      currency: c.currency,
      floor: c.floor,
      zones: c.zones,
      obstacles: c.obstacles,
      gondolas: c.gondolas.map((g) => ({
        id: g.id,
        name: g.name ?? g.id,
        footprint: g.footprint,
        plates: g.shelves.flatMap((s) => s.plates.map((p) => ({ id: p.id, box: p.box }))),
      })),
      products: c.products.map((p) => ({ sku: p.sku, name: p.name, priceMinor: p.priceMinor })),
      cameras: c.cameras.map((cam) => ({
        id: cam.id,
        preview: o.cameraPreviews?.[cam.id] ? `/ws/cameras/${encodeURIComponent(cam.id)}` : null,
      })),
    };
  });
  app.get('/api/sessions', async (req) => {
    auth(req);
    return [...state.sessions.values()].sort((a, b) => b.enteredAt - a.enteredAt);
  });
  app.get('/api/sessions/:id', async (req) => {
    auth(req);
    const { id } = parse(SessionParams, req.params, 'path');
    const s = state.sessions.get(id);
    if (!s) throw new HttpError(404, `session ${id} not found`);
    const events = s.eventIds.map((e) => state.events.get(e)).filter((e) => e !== undefined);
    return { ...s, events, snapshots: cameras.snapshotsFor(events) };
  });
  app.get('/api/review', async (req) => {
    auth(req);
    return state.reviewQueue();
  });
  app.post('/api/review/:id/release', async (req) => {
    const op = auth(req, 'reviewer');
    const { id } = parse(SessionParams, req.params, 'path');
    const b = parse(ReleaseBody, req.body, 'body');
    const s = state.sessions.get(id);
    if (!s?.receipt || s.receipt.status !== 'review')
      throw new HttpError(404, `no cart of session ${id} awaits review`);
    for (const d of b.lines)
      if (!o.store.product(d.sku)) throw new HttpError(400, `lines: unknown sku ${d.sku}`);
    const final = applyReview(s.receipt, b.lines);
    if (!db.markReleased(id, JSON.stringify(final)))
      throw new HttpError(409, `session ${id} was already released`);
    for (const d of b.lines) {
      const orig = s.receipt.lines.find((l) => l.sku === (d.fromSku ?? d.sku));
      const action =
        d.quantity === 0
          ? 'remove-line'
          : d.fromSku && d.fromSku !== d.sku
            ? 'change-product'
            : !orig
              ? 'add-line'
              : orig.quantity !== d.quantity
                ? 'change-quantity'
                : 'accept-line';
      db.audit({
        operator: op.username,
        action,
        sessionId: id,
        reason: b.reason,
        detail: JSON.stringify({
          sku: d.sku,
          quantity: d.quantity,
          from: orig ? { sku: orig.sku, quantity: orig.quantity } : null,
        }),
      });
    }
    for (const l of s.receipt.lines)
      if (!b.lines.some((d) => (d.fromSku ?? d.sku) === l.sku))
        db.audit({
          operator: op.username,
          action: 'remove-line',
          sessionId: id,
          reason: b.reason,
          detail: JSON.stringify({ sku: l.sku, quantity: 0, from: { sku: l.sku, quantity: l.quantity } }),
        });
    db.audit({
      operator: op.username,
      action: 'release',
      sessionId: id,
      reason: b.reason,
      detail: JSON.stringify({ lines: final.lines.length }),
    });
    state.markReleased(id);
    s.receipt = final;
    s.lines = final.lines.map((l) => ({
      sku: l.sku,
      name: o.store.product(l.sku)?.name ?? l.sku,
      quantity: l.quantity,
    }));
    let delivery: unknown = null;
    try {
      delivery = (await o.onRelease?.(final)) ?? null;
    } catch (err) {
      // Released is durable: the outbox/cloud retry owns delivery from here.
      log.warn({ sessionId: id, err: (err as Error).message }, 'release delivery failed');
    }
    return { receipt: final, delivery };
  });
  app.get('/api/alerts', async (req) => {
    auth(req);
    return state.alerts;
  });
  app.get('/api/inventory', async (req) => {
    auth(req);
    return state.inventory();
  });
  app.get('/api/audit', async (req) => {
    auth(req);
    return db.auditLog();
  });

  const sendFile = async (reply: FastifyReply, rel: string) => {
    const path = normalize(join(WEB_DIST, rel));
    if (!path.startsWith(WEB_DIST)) throw new HttpError(404, 'not found');
    try {
      const body = await readFile(path);
      return reply.type(MIME[extname(path)] ?? 'application/octet-stream').send(body);
    } catch {
      return reply.type(MIME['.html'] as string).send(await readFile(join(WEB_DIST, 'index.html')));
    }
  };
  app.get('/*', async (req, reply) => {
    const url = (req.url.split('?')[0] ?? '/').replace(/^\/+/, '');
    if (url.startsWith('api/')) throw new HttpError(404, 'not found');
    return sendFile(reply, url === '' ? 'index.html' : decodeURIComponent(url));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  app.server.on('upgrade', (req, socket, head) => {
    try {
      db.authenticate(cookieToken(req.headers.cookie));
    } catch {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    if (cameras.upgrade(req, socket, head)) return;
    if ((req.url ?? '').split('?')[0] !== '/ws') {
      socket.write('HTTP/1.1 404 Not Found\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
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
    });
  });

  await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://${o.host ?? '127.0.0.1'}:${typeof addr === 'object' && addr ? addr.port : o.port}`;
  log.info({ url }, 'operator dashboard listening');
  return {
    url,
    db,
    state,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      cameras.close();
      state.close();
      await app.close();
      db.close();
    },
  };
}
