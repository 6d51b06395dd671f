import { spawn } from 'node:child_process';
import { createLogger } from '../../core/log.ts';
import { JpegSplitter } from './jpeg-splitter.ts';
import { RestartingChild } from './restarting-child.ts';

const log = createLogger('edge.api.snapshots');

export interface SnapshotFrame {
  cameraId: string;
  /** Wall-clock ms when the still arrived. */
  t: number;
  jpeg: Buffer;
}

export interface CameraSnapshotOptions {
  cameras: ReadonlyArray<{ id: string; rtspUrl: string }>;
  /** One still every intervalMs (default 1000). */
  intervalMs?: number;
  /** Stills older than this are dropped (default 5 min): evidence, not surveillance. */
  retentionMs?: number;
  /** Still width in pixels (height keeps the aspect ratio; default 480). */
  width?: number;
  ffmpegPath?: string;
  stallMs?: number;
}

/** Never log a camera's credentials. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

/** What the dashboard needs from the snapshot ring (also implemented by tests' fixed rings). */
export interface SnapshotSource {
  has(cameraId: string): boolean;
  nearest(cameraId: string, t: number, maxDtMs: number): SnapshotFrame | undefined;
  at(cameraId: string, t: number): SnapshotFrame | undefined;
}

/**
 * Keeps the latest JPEG stills of each camera in memory for a few minutes: one ffmpeg child per
 * camera decodes the RTSP stream to `fps=1/interval` MJPEG on stdout, split by JpegSplitter.
 * Nothing is written to disk; no faces are detected or recognised.
 */
export class CameraSnapshots implements SnapshotSource {
  private readonly rings = new Map<string, SnapshotFrame[]>();
  private readonly children = new Map<string, RestartingChild>();
  private readonly retentionMs: number;

  constructor(o: CameraSnapshotOptions) {
    this.retentionMs = o.retentionMs ?? 5 * 60_000;
    const interval = o.intervalMs ?? 1000;
    for (const cam of o.cameras) {
      this.rings.set(cam.id, []);
      const clog = log.child({ cameraId: cam.id, url: redactUrl(cam.rtspUrl) });
      const args = [
        '-hide_banner',
        '-loglevel',
        'error',
        '-rtsp_transport',
        'tcp',
        '-i',
        cam.rtspUrl,
        '-an',
        '-vf',
        `fps=${1000 / interval},scale=${o.width ?? 480}:-2`,
        '-c:v',
        'mjpeg',
        '-q:v',
        '6',
        '-f',
        'image2pipe',
        'pipe:1',
      ];
      const child: RestartingChild = new RestartingChild({
        log: clog,
        stallMs: o.stallMs ?? Math.max(15_000, interval * 5),
        start: () => {
          const p = spawn(o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
          const split = new JpegSplitter();
          p.stdout.pipe(split);
          split.on('data', (jpeg: Buffer) => {
            child.alive();
            this.add({ cameraId: cam.id, t: Date.now(), jpeg });
          });
          p.stderr.setEncoding('utf8');
          p.stderr.on('data', (s: string) => clog.debug({ ffmpeg: s.trim().slice(0, 500) }, 'ffmpeg'));
          return p;
        },
      });
      this.children.set(cam.id, child);
    }
  }

  has(cameraId: string): boolean {
    return (this.rings.get(cameraId)?.length ?? 0) > 0;
  }

  frames(cameraId: string): readonly SnapshotFrame[] {
    this.expire(cameraId);
    return this.rings.get(cameraId) ?? [];
  }

  restarts(cameraId: string): number {
    return this.children.get(cameraId)?.restarts ?? 0;
  }

  /** ffmpeg's pid (tests kill it to prove the restart). */
  pid(cameraId: string): number | undefined {
    return this.children.get(cameraId)?.pid;
  }

  nearest(cameraId: string, t: number, maxDtMs: number): SnapshotFrame | undefined {
    let best: SnapshotFrame | undefined;
    for (const f of this.frames(cameraId))
      if (Math.abs(f.t - t) <= maxDtMs && (!best || Math.abs(f.t - t) < Math.abs(best.t - t))) best = f;
    return best;
  }

  at(cameraId: string, t: number): SnapshotFrame | undefined {
    return this.frames(cameraId).find((f) => f.t === t);
  }

  /** Public for tests that feed stills directly; the ffmpeg children call it per decoded still. */
  add(f: SnapshotFrame): void {
    const ring = this.rings.get(f.cameraId);
    if (!ring) return;
    // Two stills in the same millisecond would share a URL: keep the first.
    if (ring.at(-1)?.t === f.t) return;
    ring.push(f);
    this.expire(f.cameraId);
  }

  private expire(cameraId: string): void {
    const ring = this.rings.get(cameraId);
    if (!ring) return;
    const cutoff = Date.now() - this.retentionMs;
    let drop = 0;
    while (drop < ring.length && (ring[drop]?.t ?? 0) < cutoff) drop++;
    if (drop > 0) ring.splice(0, drop);
  }

  async close(): Promise<void> {
    await Promise.all([...this.children.values()].map((c) => c.close()));
    for (const r of this.rings.values()) r.length = 0;
  }
}
