import { replayFile } from '../replay/index.ts';
import { createTracker } from '../tracking/create-tracker.ts';

/** Child process of bench-fusion: replays one recording as fast as possible, reports speed and peak RSS. */
const path = process.argv[2];
if (!path) throw new Error('usage: replay-speed <recording>');
const r = await replayFile({ recording: path, createTracker: (s, l) => createTracker(s, l) });
process.stdout.write(
  `${JSON.stringify({
    spanMs: r.spanMs,
    wallMs: Math.round(r.wallMs),
    messages: r.messages,
    receipts: r.receipts.length,
    xRealtime: Math.round((r.spanMs / r.wallMs) * 10) / 10,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
