import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createLogger } from '../../core/log.ts';
import { redactUrl } from './camera-snapshots.ts';
import { RestartingChild } from './restarting-child.ts';

const log = createLogger('edge.api.previews');
const require = createRequire(import.meta.url);

/** The parts of node-rtsp-stream's VideoStream (CommonJS, untyped) this module relies on. */
interface VideoStreamBase extends EventEmitter {
  name: string;
  width: number;
  height: number;
  stream: ChildProcess;
  mpeg1Muxer: EventEmitter;
  startMpeg1Stream(): unknown;
}
type VideoStreamCtor = new (o: {
  name: string;
  streamUrl: string;
  width: number;
  height: number;
  wsPort: number;
  ffmpegPath?: string;
  ffmpegOptions?: Record<string, string>;
}) => VideoStreamBase;
const VideoStream = require('node-rtsp-stream') as VideoStreamCtor;

/**
 * node-rtsp-stream binds its WebSocket server to every interface and logs with console.log; this
 * subclass keeps its ffmpeg muxer but serves the MPEG-TS on a loopback, ephemeral port. (No class
 * fields: the base constructor calls these methods before a subclass initialiser would run.)
 */
class LoopbackVideoStream extends VideoStream {
  declare wsServer: WebSocketServer;

  pipeStreamToSocketServer(): this {
    this.wsServer = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    this.wsServer.on('connection', (socket) => {
      // JSMpeg's legacy header: "jsmp", width, height (current decoders read the size in-band).
      const header = Buffer.alloc(8);
      header.write('jsmp');
      header.writeUInt16BE(this.width, 4);
      header.writeUInt16BE(this.height, 6);
      socket.send(header, { binary: true });
    });
    this.on('camdata', (data: Buffer) => {
      // A slow viewer must not buffer the whole stream in the edge's memory: drop its frames.
      for (const c of this.wsServer.clients)
        if (c.readyState === c.OPEN && c.bufferedAmount < 2 * 1024 * 1024) c.send(data, { binary: true });
    });
    return this;
  }

  /** The muxer's own listeners print ffmpeg's stderr to ours; route it to the logger instead. */
  quiet(onLine: (s: string) => void): void {
    this.mpeg1Muxer.removeAllListeners('ffmpegStderr');
    this.mpeg1Muxer.on('ffmpegStderr', (d: Buffer) => onLine(String(d).trim().slice(0, 500)));
  }
}

export interface CameraPreviewOptions {
  cameras: ReadonlyArray<{ id: string; rtspUrl: string }>;
  /** Preview width (height keeps the aspect ratio; default 640). */
  width?: number;
  /** MPEG-1 bitrate (default 800k): a tablet shows several previews at once. */
  bitrate?: string;
  ffmpegPath?: string;
  stallMs?: number;
}

export interface CameraPreviews {
  /** Camera id → loopback WebSocket URL of its MPEG-TS stream (pass as `cameraPreviews`). */
  urls: Record<string, string>;
  restarts(cameraId: string): number;
  pid(cameraId: string): number | undefined;
  close(): Promise<void>;
}

/** One node-rtsp-stream per camera with an RTSP URL; ffmpeg is restarted whenever it dies or stalls. */
export async function startCameraPreviews(o: CameraPreviewOptions): Promise<CameraPreviews> {
  const width = o.width ?? 640;
  const streams = new Map<string, { vs: LoopbackVideoStream; child: RestartingChild }>();
  const urls: Record<string, string> = {};
  for (const cam of o.cameras) {
    const clog = log.child({ cameraId: cam.id, url: redactUrl(cam.rtspUrl) });
    let first = true;
    let vs: LoopbackVideoStream | undefined;
    const child: RestartingChild = new RestartingChild({
      log: clog,
      stallMs: o.stallMs ?? 15_000,
      start: () => {
        if (first) {
          first = false;
          vs = new LoopbackVideoStream({
            name: cam.id,
            streamUrl: cam.rtspUrl,
            width,
            height: Math.round((width * 9) / 16),
            wsPort: 0,
            ffmpegPath: o.ffmpegPath,
            // Output options (node-rtsp-stream puts them after `-i url -f mpegts -codec:v mpeg1video`);
            // -loglevel is global wherever it stands. MPEG-1 only knows broadcast frame rates: 25.
            ffmpegOptions: {
              '-loglevel': 'error',
              '-an': '',
              '-vf': `scale=${width}:-2`,
              '-r': '25',
              '-bf': '0',
              '-b:v': o.bitrate ?? '800k',
            },
          });
          vs.on('camdata', () => child.alive());
        } else vs?.startMpeg1Stream();
        const s = vs as LoopbackVideoStream;
        s.quiet((line) => clog.debug({ ffmpeg: line }, 'ffmpeg'));
        return s.stream;
      },
    });
    const s = vs as LoopbackVideoStream | undefined;
    if (!s) throw new Error(`camera ${cam.id}: preview stream did not start`);
    if (!s.wsServer.address()) await once(s.wsServer, 'listening');
    const port = (s.wsServer.address() as AddressInfo).port;
    urls[cam.id] = `ws://127.0.0.1:${port}/`;
    streams.set(cam.id, { vs: s, child });
    clog.info({ port }, 'camera preview streaming');
  }
  return {
    urls,
    restarts: (id) => streams.get(id)?.child.restarts ?? 0,
    pid: (id) => streams.get(id)?.child.pid,
    async close() {
      await Promise.all(
        [...streams.values()].map(async ({ vs, child }) => {
          await child.close();
          for (const c of vs.wsServer.clients) c.terminate();
          await new Promise<void>((r) => vs.wsServer.close(() => r()));
        }),
      );
    },
  };
}
