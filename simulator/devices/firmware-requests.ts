import {
  CMD,
  encodeCalibrateReply,
  encodeHealth,
  encodeIdentity,
  encodeTareReply,
  type RequestFrame,
  STATUS,
} from '../../hardware/shelf/protocol.ts';

/** What answering host requests needs from the emulated controller. */
export interface RequestHost {
  readonly controllerId: string;
  readonly channels: number;
  rateHz: number;
  /** Device clock now (ms since boot), as the health reply reports it. */
  uptimeMs(): number;
  readonly framesSent: number;
  /** Receive errors so far, including those of the frame parser now attached. */
  rxErrors(): number;
  countsOf(channel: number): number;
  reply(req: RequestFrame, status: number, body?: Uint8Array): void;
}

/** Average of `n` readings, taken over the next n sample periods like the real firmware. */
function average(host: RequestHost, channel: number, n: number, done: (avg: number) => void): void {
  let sum = 0;
  let k = 0;
  const step = (): void => {
    sum += host.countsOf(channel);
    if (++k >= n) done(sum / n);
    else setTimeout(step, 1000 / host.rateHz);
  };
  step();
}

/** Answers identify/tare/calibrate/set-rate/health exactly as docs/shelf-protocol.md says. */
export function answerRequest(host: RequestHost, req: RequestFrame): void {
  const a = req.args;
  switch (req.cmd) {
    case CMD.identify:
      return host.reply(
        req,
        STATUS.ok,
        encodeIdentity({
          controllerId: host.controllerId,
          firmware: 'walkout-emu 1.0',
          channels: host.channels,
          rateHz: host.rateHz,
        }),
      );
    case CMD.health:
      return host.reply(
        req,
        STATUS.ok,
        encodeHealth({
          uptimeMs: host.uptimeMs(),
          framesSent: host.framesSent,
          faultMask: 0,
          rxErrors: host.rxErrors(),
        }),
      );
    case CMD.setRate: {
      const hz = a[0] ?? 0;
      if (hz < 1 || hz > 60) return host.reply(req, STATUS.badArgs);
      host.rateHz = hz;
      return host.reply(req, STATUS.ok, Buffer.from([hz]));
    }
    case CMD.tare: {
      if (a.length < 3) return host.reply(req, STATUS.badArgs);
      const mask = a.readUInt16LE(0);
      const n = Math.max(1, a[2] ?? 1);
      const chans = [...Array(host.channels).keys()].filter((ch) => mask & (1 << ch));
      const out = new Map<number, number>();
      if (chans.length === 0) return host.reply(req, STATUS.badArgs);
      for (const ch of chans)
        average(host, ch, n, (avg) => {
          out.set(ch, avg);
          if (out.size === chans.length) host.reply(req, STATUS.ok, encodeTareReply(out));
        });
      return;
    }
    case CMD.calibrate: {
      const ch = a[0] ?? 255;
      if (a.length < 6 || ch >= host.channels || !(a.readFloatLE(2) > 0))
        return host.reply(req, STATUS.badArgs);
      return average(host, ch, Math.max(1, a[1] ?? 1), (avg) =>
        host.reply(req, STATUS.ok, encodeCalibrateReply(ch, avg)),
      );
    }
    default:
      return host.reply(req, STATUS.unsupported);
  }
}
