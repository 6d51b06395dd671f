import type { TruthEvent } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';
import { type PresetName, simulate } from '../../simulator/index.ts';

export interface AssociationScore {
  events: number;
  /** Top candidate is the true session and the result is not flagged. */
  rightCertain: number;
  /** Flagged uncertain (goes to review). */
  uncertain: number;
  /** Not flagged, but the top candidate is someone else: a wrong charge. */
  wrongCertain: number;
  /** Among flagged ones, how often the top candidate was still right. */
  uncertainTopRight: number;
  maxConcurrent: number;
  /** Median and 90th-percentile distance (m) from each true person to the nearest track, sampled 1/s. */
  floorErrorP50: number;
  floorErrorP90: number;
  /** Share of those samples where the nearest track (within 0.5 m) carries the person's session. */
  identityRight: number;
  wallMs: number;
  simulatedMs: number;
  /** Why flagged events were flagged (numbers in the reason masked). */
  reasons: Record<string, number>;
}

/**
 * Feeds a simulated run through the tracker and asks it to attribute every true shelf interaction
 * (hand-overs excluded); ground truth is used only to score, never given to the tracker.
 */
export function scoreAssociation(
  store: StoreModel,
  preset: PresetName,
  seed: number,
  durationMs: number,
): AssociationScore {
  const tokenToSession = new Map<string, string>();
  let open = 0;
  let maxConcurrent = 0;
  const tracker = createTracker(store, {
    opened: (s) => {
      tokenToSession.set(s.token, s.sessionId);
      open++;
      maxConcurrent = Math.max(maxConcurrent, open);
    },
    exited: () => {
      open--;
    },
  });
  const pending: TruthEvent[] = [];
  const score: AssociationScore = {
    events: 0,
    rightCertain: 0,
    uncertain: 0,
    wrongCertain: 0,
    uncertainTopRight: 0,
    maxConcurrent: 0,
    floorErrorP50: 0,
    floorErrorP90: 0,
    identityRight: 0,
    wallMs: 0,
    simulatedMs: 0,
    reasons: {},
  };
  const judge = (ev: TruthEvent) => {
    const plates = ev.plates.map((p) => store.plate(p.plateId)).filter((p) => p !== undefined);
    const r = tracker.associate({ plates, t0: ev.t0, t1: ev.t1 });
    const top = r.candidates[0]?.sessionId;
    const right = top !== undefined && top === tokenToSession.get(ev.token);
    score.events++;
    if (r.uncertain) {
      const key = r.uncertain.replace(/[0-9.]+/g, '#');
      score.reasons[key] = (score.reasons[key] ?? 0) + 1;
      score.uncertain++;
      if (right) score.uncertainTopRight++;
    } else if (right) score.rightCertain++;
    else score.wrongCertain++;
  };
  let people: ReadonlyArray<{ token: string; x: number; y: number }> = [];
  let peopleT = 0;
  let nextSample = 0;
  const errors: number[] = [];
  let idRight = 0;
  let idSamples = 0;
  const sample = (t: number) => {
    const tracks = tracker.snapshot(t).tracks;
    for (const p of people) {
      let best = Number.POSITIVE_INFINITY;
      let sid: string | null = null;
      for (const k of tracks) {
        const d = Math.hypot(k.position[0] - p.x, k.position[1] - p.y);
        if (d < best) {
          best = d;
          sid = k.sessionId;
        }
      }
      errors.push(best);
      idSamples++;
      if (best < 0.5 && sid === tokenToSession.get(p.token)) idRight++;
    }
  };
  const started = performance.now();
  let first = -1;
  let last = 0;
  const observe = (t: number, sh: ReadonlyArray<{ token: string; x: number; y: number }>) => {
    people = sh.map((p) => ({ token: p.token, x: p.x, y: p.y }));
    peopleT = t;
  };
  for (const e of simulate({ store, preset, seed, durationMs, observe })) {
    if (e.kind === 'truth') {
      if (e.truth.truth === 'event' && e.truth.kind !== 'handover') pending.push(e.truth);
      continue;
    }
    const t = e.at;
    if (first < 0) first = t;
    last = t;
    // Attribute once the event window (plus the tracker's look-ahead) has been seen, as fusion would.
    pending.sort((a, b) => a.t1 - b.t1);
    while (pending.length > 0 && (pending[0] as TruthEvent).t1 + 1500 <= t)
      judge(pending.shift() as TruthEvent);
    tracker.advance(t);
    switch (e.topic) {
      case 'camera.poses':
        tracker.onPoses(e.msg as Parameters<typeof tracker.onPoses>[0]);
        break;
      case 'gate.scan':
        tracker.onGateScan(e.msg as Parameters<typeof tracker.onGateScan>[0]);
        break;
      case 'gate.passage':
        tracker.onGatePassage(e.msg as Parameters<typeof tracker.onGatePassage>[0]);
        break;
      case 'device.status':
        tracker.onDeviceStatus(e.msg as Parameters<typeof tracker.onDeviceStatus>[0]);
        break;
      default:
        break;
    }
    // Only compare where truth and tracker describe the same moment (the hook runs at 60 Hz).
    if (t >= nextSample && Math.abs(peopleT - t) < 20) {
      sample(t);
      nextSample = t + 1000;
    }
  }
  for (const ev of pending) judge(ev);
  score.maxConcurrent = maxConcurrent;
  errors.sort((a, b) => a - b);
  const q = (f: number) => Math.round((errors[Math.floor(f * (errors.length - 1))] ?? 0) * 1000) / 1000;
  score.floorErrorP50 = q(0.5);
  score.floorErrorP90 = q(0.9);
  score.identityRight = idSamples === 0 ? 1 : Math.round((idRight / idSamples) * 1000) / 1000;
  score.wallMs = Math.round(performance.now() - started);
  score.simulatedMs = last - first;
  return score;
}
