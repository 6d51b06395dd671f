import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { VisionError } from './errors.ts';
import type { RgbFrame } from './index.ts';

const run = promisify(execFile);

export interface VideoInfo {
  width: number;
  height: number;
  fps: number;
}

export async function probeVideo(file: string): Promise<VideoInfo> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,r_frame_rate',
    '-of',
    'json',
    file,
  ]);
  const s = (JSON.parse(stdout) as { streams?: { width?: number; height?: number; r_frame_rate?: string }[] })
    .streams?.[0];
  if (!s?.width || !s.height) throw new VisionError(`${file}: no video stream`);
  const [n, d] = (s.r_frame_rate ?? '0/1').split('/').map(Number);
  return { width: s.width, height: s.height, fps: n && d ? n / d : 0 };
}

/** Decodes a video with ffmpeg into RGB frames (raw rgb24 on stdout, cut into whole frames). */
export async function* readVideoFrames(
  file: string,
  opts: { start?: number; count?: number } = {},
): AsyncGenerator<RgbFrame & { index: number }> {
  const { width, height } = await probeVideo(file);
  const frameBytes = width * height * 3;
  const start = opts.start ?? 0;
  const args = ['-v', 'error', '-i', file];
  if (start > 0) args.push('-vf', `select=gte(n\\,${start})`, '-vsync', '0');
  if (opts.count !== undefined) args.push('-frames:v', String(opts.count));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf: Buffer = Buffer.alloc(0);
  let index = start;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= frameBytes) {
        yield { index: index++, width, height, data: new Uint8Array(buf.subarray(0, frameBytes)) };
        buf = buf.subarray(frameBytes);
      }
    }
  } finally {
    if (proc.exitCode === null) proc.kill();
  }
}
