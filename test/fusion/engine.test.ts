import { describe, expect, it } from 'vitest';
import type { InputTopic, ShelfEvent, TopicMap } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import { Receipt as ReceiptSchema } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { createEngine } from '../../edge/engine/index.ts';
import { GateStubTracker } from './gate-stub-tracker.ts';
import { craftPlate, interleave } from './signals.ts';

const store = loadStore('demo');
const T = 1_000_000;
const cola = store.facingsBySku.get('cola-330')?.[0]?.plates ?? [];
const tuna = store.facingsBySku.get('tuna')?.[0]?.plates ?? [];

type Input = { at: number; topic: InputTopic; msg: TopicMap[InputTopic] };

/** Quiet plates with level changes at given times: [plateId, tMs, deltaGrams][]. */
function shelf(changes: Array<[string, number, number]>, durationMs: number, plates: string[]): Input[] {
  const lists = plates.map((plateId, i) =>
    craftPlate({
      plateId,
      noise: 0.6,
      durationMs,
      seed: 100 + i,
      level: (t) =>
        4000 + changes.filter(([p, ct]) => p === plateId && t >= ct).reduce((s, [, , d]) => s + d, 0),
    }),
  );
  return interleave(...lists).map(({ at, msg }) => ({ at, topic: 'shelf.samples', msg }));
}

function run(inputs: Input[]) {
  const receipts: Receipt[] = [];
  const events: ShelfEvent[] = [];
  const engine = createEngine({
    store,
    createTracker: (s, l) => new GateStubTracker(s, l),
    publish: (topic, msg) => {
      if (topic === 'edge.receipt') receipts.push(ReceiptSchema.parse(msg));
      if (topic === 'edge.shelf-event') events.push(msg as ShelfEvent);
    },
  });
  inputs.sort((a, b) => a.at - b.at);
  for (const i of inputs) engine.ingest(i.topic, i.msg, i.at);
  engine.drain();
  return { receipts, events, engine };
}

const gate = (t: number, kind: 'scan' | 'out', token = 'tok-a'): Input =>
  kind === 'scan'
    ? { at: T + t, topic: 'gate.scan', msg: { gateId: 'gate-in', t: T + t, token } }
    : { at: T + t, topic: 'gate.passage', msg: { gateId: 'gate-out', t: T + t, direction: 'out' } };

describe('engine on crafted inputs', () => {
  const plates = [cola[0] ?? '', cola[1] ?? '', tuna[0] ?? ''];

  it('one shopper: two takes and a put-back give a charged receipt with evidence', () => {
    const inputs = [
      gate(500, 'scan'),
      ...shelf(
        [
          [plates[0] ?? '', 5000, -700.4],
          [plates[2] ?? '', 9000, -186.3],
          [plates[0] ?? '', 13_000, 349.8],
        ],
        22_000,
        plates,
      ),
      gate(18_000, 'out'),
    ];
    const { receipts, events } = run(inputs);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.sessionId === 's-tok-a' && !e.review)).toBe(true);
    expect(receipts).toHaveLength(1);
    const r = receipts[0] as Receipt;
    expect(r.status).toBe('charge');
    expect(r.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['cola-330', 1],
      ['tuna', 1],
    ]);
    expect(r.lines[0]?.evidence.map((e) => [e.kind, e.quantity])).toEqual([
      ['take', 2],
      ['return', -1],
    ]);
    expect(r.finalisedAt).toBeGreaterThanOrEqual(r.exitedAt);
  });

  it('simultaneous takes on adjacent plates of two facings are two events', () => {
    const lemon = store.facingsBySku.get('lemon-330')?.[0]?.plates ?? [];
    const water = store.facingsBySku.get('water-500')?.[0]?.plates ?? [];
    const a = lemon[lemon.length - 1] ?? '';
    const b = water[0] ?? '';
    expect(store.plate(a)?.neighbours).toContain(b);
    const inputs = [
      gate(500, 'scan'),
      ...shelf(
        [
          [a, 6000, -352.2],
          [b, 6100, -520.6],
        ],
        16_000,
        [a, b],
      ),
      gate(12_000, 'out'),
    ];
    const { receipts, events } = run(inputs);
    expect(events.map((e) => e.hypotheses[0]?.sku).sort()).toEqual(['lemon-330', 'water-500']);
    expect(receipts[0]?.status).toBe('charge');
    expect(receipts[0]?.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['lemon-330', 1],
      ['water-500', 1],
    ]);
  });

  it('two shoppers without cameras: the event goes to review and so do both carts', () => {
    const inputs = [
      gate(300, 'scan', 'tok-a'),
      gate(600, 'scan', 'tok-b'),
      ...shelf([[plates[2] ?? '', 6000, -186]], 16_000, plates),
      gate(12_000, 'out'),
      gate(12_500, 'out'),
    ];
    const { receipts, events } = run(inputs);
    expect(events).toHaveLength(1);
    expect(events[0]?.sessionId).toBeNull();
    expect(events[0]?.review).toMatch(/attribution uncertain/);
    expect(receipts.map((r) => r.status)).toEqual(['review', 'review']);
  });

  it('bad input is counted, never a crash; a plate that stays down sends carts to review', async () => {
    const inputs = [
      gate(300, 'scan'),
      ...shelf([], 15_000, plates),
      {
        at: T + 2000,
        topic: 'shelf.samples',
        msg: { plateId: 'nope', seq: 0, t0: T + 2000, periodMs: 40, grams: [1, 2] },
      },
      { at: T + 2100, topic: 'camera.poses', msg: { cameraId: 'cam-x', frame: 1, t: T + 2100, persons: [] } },
      {
        at: T + 2300,
        topic: 'shelf.samples',
        msg: { plateId: plates[1] ?? '', seq: 1000, t0: T - 60_000, periodMs: 40, grams: [4000] },
      },
      {
        at: T + 4000,
        topic: 'device.status',
        msg: {
          deviceId: store.plate(plates[2] ?? '')?.plate.controller.id ?? '',
          kind: 'shelf-controller',
          t: T + 4000,
          status: 'down',
        },
      },
      gate(10_000, 'out'),
    ] as Input[];
    // Poison two readings of a live plate: an invalid ADC value and an absurd one.
    const poisoned = inputs.filter(
      (i) => i.topic === 'shelf.samples' && (i.msg as { plateId: string }).plateId === plates[1],
    );
    (poisoned[3]?.msg as TopicMap['shelf.samples']).grams[2] = null;
    (poisoned[5]?.msg as TopicMap['shelf.samples']).grams[7] = 1e9;
    // The controller is down: drop its plates' samples after 4 s.
    const dead = new Set(store.plate(plates[2] ?? '')?.shelf.plates.map((p) => p.id));
    const { receipts, engine } = run(
      inputs.filter(
        (i) =>
          !(
            i.topic === 'shelf.samples' &&
            dead.has((i.msg as { plateId: string }).plateId) &&
            i.at > T + 4000
          ),
      ),
    );
    const c = engine.counters();
    expect(c.unknownPlate).toBe(2);
    expect(c.unknownCamera).toBe(1);
    expect(c.outOfRangeSamples).toBe(1);
    expect(c.invalidSamples).toBe(2);
    expect(c.backwardsBatches).toBe(1);
    expect(c.plateFaults).toBeGreaterThan(0);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.status).toBe('review');
    expect(receipts[0]?.reviewReasons.join('\n')).toMatch(/faulted \(shelf controller down\)/);
    const text = await engine.metrics.metrics();
    expect(text).toMatch(/walkout_edge_unknown_plate_total 2/);
    expect(text).toMatch(/walkout_edge_input_messages_total\{topic="shelf.samples"\} \d+/);
  });
});
