import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { createLogger } from '../../core/log.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { CameraCoverage } from './camera-coverage.ts';
import type { SnapshotSource } from './camera-snapshots.ts';
import type { EventView, LiveState } from './live-state.ts';

const log = createLogger('edge.api.cameras');

const SnapshotParams = z.strictObject({
  cameraId: z.string().min(1).max(64),
  t: z.coerce.number().int().nonnegative(),
});
const PREVIEW_PATH = /^\/ws\/cameras\/([^/?]{1,64})$/;

export interface SnapshotRef {
  cameraId: string;
  t: number;
  url: string;
}

export interface CameraRoutesOptions {
  store: StoreModel;
  state: LiveState;
  /** Camera id → loopback WebSocket URL of its MPEG-TS preview. */
  previews: Record<string, string>;
  snapshots: SnapshotSource | undefined;
  /** A still further than this from an event's middle is not its evidence (default 5 s). */
  snapshotMaxDtMs: number;
  /** Throws an HTTP error unless the request carries a valid operator session. */
  auth: (req: { headers: IncomingMessage['headers'] }) => unknown;
  notFound: (message: string) => Error;
}

/**
 * Cameras screen and evidence stills: GET /api/cameras, GET /api/snapshots/:cameraId/:t (JPEG) and the
 * authenticated WebSocket /ws/cameras/:id that relays a camera's loopback preview to the browser, so
 * previews need the operator's cookie and work wherever the dashboard does.
 */
export class CameraRoutes {
  private readonly coverage: CameraCoverage;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  constructor(private readonly o: CameraRoutesOptions) {
    this.coverage = new CameraCoverage(o.store);
  }

  register(app: FastifyInstance): void {
    app.get('/api/cameras', async (req) => {
      this.o.auth(req);
      return this.o.store.config.cameras.map((c) => ({
        id: c.id,
        resolution: c.resolution,
        preview: this.o.previews[c.id] ? `/ws/cameras/${encodeURIComponent(c.id)}` : null,
        snapshots: this.o.snapshots?.has(c.id) ?? false,
        status: this.o.state.cameraStatus.get(c.id) ?? null,
      }));
    });
    app.get('/api/snapshots/:cameraId/:t', async (req, reply) => {
      this.o.auth(req);
      const r = SnapshotParams.safeParse(req.params);
      if (!r.success) throw this.o.notFound('snapshot not found');
      const f = this.o.snapshots?.at(r.data.cameraId, r.data.t);
      if (!f) throw this.o.notFound(`snapshot ${r.data.cameraId}@${r.data.t} not found or expired`);
      // Evidence of a shopper: never cached by the browser or a proxy beyond this page view.
      return reply.header('cache-control', 'private, no-store').type('image/jpeg').send(f.jpeg);
    });
  }

  /** Stills nearest each event's middle from the cameras that see its plates (best view first). */
  snapshotsFor(events: readonly EventView[]): Record<string, SnapshotRef[]> {
    const out: Record<string, SnapshotRef[]> = {};
    const src = this.o.snapshots;
    if (!src) return out;
    for (const e of events) {
      const mid = (e.t0 + e.t1) / 2;
      const refs: SnapshotRef[] = [];
      for (const cam of this.coverage.camerasSeeing(e.plates.map((p) => p.plateId))) {
        const f = src.nearest(cam, mid, this.o.snapshotMaxDtMs);
        if (f) refs.push({ cameraId: cam, t: f.t, url: `/api/snapshots/${encodeURIComponent(cam)}/${f.t}` });
        if (refs.length === 3) break;
      }
      out[e.id] = refs;
    }
    return out;
  }

  /** Handles an upgrade to /ws/cameras/:id; false when the path is not a preview. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const m = PREVIEW_PATH.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m) return false;
    const target = this.o.previews[decodeURIComponent(m[1] ?? '')];
    if (!target) {
      socket.write('HTTP/1.1 404 Not Found\r\n\r\n');
      socket.destroy();
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (client) => this.relay(client, target));
    return true;
  }

  private relay(client: WebSocket, target: string): void {
    const upstream = new WebSocket(target, { perMessageDeflate: false });
    upstream.binaryType = 'nodebuffer';
    upstream.on('message', (data: Buffer) => {
      // A viewer on a slow link gets gaps, not an ever-growing buffer in the edge.
      if (client.readyState === client.OPEN && client.bufferedAmount < 2 * 1024 * 1024)
        client.send(data, { binary: true });
    });
    const end = () => {
      if (client.readyState !== client.CLOSED) client.close();
      if (upstream.readyState !== upstream.CLOSED) upstream.terminate();
    };
    upstream.on('error', (err) => {
      log.warn({ err: err.message }, 'preview upstream failed');
      end();
    });
    upstream.on('close', end);
    client.on('error', end);
    client.on('close', end);
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
