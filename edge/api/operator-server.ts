import Fastify, { type FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { createLogger } from '../../core/log.ts';
import type { Receipt } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { Bus } from '../bus/index.ts';
import { CameraRoutes } from './camera-routes.ts';
import type { SnapshotSource } from './camera-snapshots.ts';
import { serveLiveSocket } from './live-socket.ts';
import { LiveState, type RetentionOptions } from './live-state.ts';
import { AuthError, OperatorDb, type Role } from './operator-db.ts';
import { COOKIE, cookieToken, HttpError, parse, sendWebFile } from './operator-http.ts';
import { applyReview, auditRelease } from './review-release.ts';
import { LoginBody, ReleaseBody, SessionParams } from './routes-schema.ts';
import { ensureWebBuilt } from './web-build.ts';

export { applyReview } from './review-release.ts';

const log = createLogger('edge.api');

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
    auditRelease(db, op.username, id, s.receipt, b, final);
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

  app.get('/*', async (req, reply) => {
    const url = (req.url.split('?')[0] ?? '/').replace(/^\/+/, '');
    if (url.startsWith('api/')) throw new HttpError(404, 'not found');
    return sendWebFile(reply, url === '' ? 'index.html' : decodeURIComponent(url));
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
    wss.handleUpgrade(req, socket, head, (ws) => serveLiveSocket(ws, state));
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
