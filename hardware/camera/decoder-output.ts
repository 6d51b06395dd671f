// ffmpeg's command line and what it says on stderr, plus the per-connection timing of its frames.

// showinfo prints one line per frame leaving the filter graph: `n:  12 pts:  1234 pts_time:1.234 ...`.
const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.e+-]+)/;
// ffmpeg's banner-ish lines; what is left when a run ends says why (refused, 404, EOF, bad URL).
const NOISE = /^(\s|Input #|Output #|Stream mapping|frame=|video:|\[Parsed_showinfo)/;
const PTS_RING = 64;
const FPS_WINDOW = 32;

/** Credentials never reach logs or status messages. */
export const redactUrl = (s: string): string => s.replace(/(\w+:\/\/)[^@/\s]+@/g, '$1***@');

/** Decode `inputArgs` to raw rgb24 frames of w×h on stdout, one showinfo line per frame on stderr. */
export function ffmpegArgs([w, h]: [number, number], inputArgs: string[]): string[] {
  // biome-ignore format: ffmpeg arguments read best in pairs
  return ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    // A short probe: the frame size comes from our scaler, so ffmpeg needs only the codec (2-3 s less).
    '-fflags', 'nobuffer', '-flags', 'low_delay', '-analyzeduration', '200000', ...inputArgs, '-an', '-sn', '-dn',
    '-vf', `scale=${w}:${h},showinfo`, '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
}

/** One decoder run's stderr: presentation time per frame number, and the last lines worth reporting. */
export class DecoderLog {
  private readonly ptsN = new Int32Array(PTS_RING).fill(-1);
  private readonly ptsT = new Float64Array(PTS_RING);
  private readonly tail: string[] = [];

  line(line: string): void {
    const m = SHOWINFO.exec(line);
    if (m) {
      const n = Number(m[1]);
      this.ptsN[n % PTS_RING] = n;
      this.ptsT[n % PTS_RING] = Number(m[2]);
    } else if (!NOISE.test(line)) {
      this.tail.push(redactUrl(line));
      if (this.tail.length > 4) this.tail.shift();
    }
  }

  /** Seconds; NaN when ffmpeg's line for frame n has not arrived (stderr and stdout are not ordered). */
  ptsOf(n: number): number {
    const k = n % PTS_RING;
    return this.ptsN[k] === n ? (this.ptsT[k] as number) : Number.NaN;
  }

  /** Why the run ended, for status messages: `why` plus ffmpeg's last words. */
  detail(why: string): string {
    return redactUrl(`${why}${this.tail.length ? `: ${this.tail.join(' | ')}` : ''}`).slice(0, 1000);
  }
}

/**
 * Frame rate over the last 32 frames, and delivery lag: per frame (arrival − presentation time) minus
 * the smallest such offset seen. Both restart with each connection: a reconnect gap is not a slow rate.
 */
export class StreamTiming {
  private readonly arrivals = new Float64Array(FPS_WINDOW);
  private count = 0;
  private minOffset = Number.POSITIVE_INFINITY;
  fps = 0;
  lagMs = 0;

  reset(): void {
    this.count = 0;
    this.minOffset = Number.POSITIVE_INFINITY;
    this.fps = 0;
    this.lagMs = 0;
  }

  frame(t: number, pts: number): void {
    const c = ++this.count;
    this.arrivals[c % FPS_WINDOW] = t;
    const n = Math.min(c, FPS_WINDOW);
    const oldest = this.arrivals[(c - n + 1) % FPS_WINDOW] as number;
    this.fps = n > 1 && t > oldest ? ((n - 1) * 1000) / (t - oldest) : 0;
    if (Number.isNaN(pts)) return;
    const offset = t - pts * 1000;
    this.minOffset = Math.min(this.minOffset, offset);
    this.lagMs = offset - this.minOffset;
  }
}
