import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { InProcessBus } from '../bus/index.ts';
import { LiveState } from './live-state.ts';

const store = loadStore('demo');
const facing = store.config.planogram[0];
if (!facing) throw new Error('demo store has no planogram');
const plateId = facing.plates[0] as string;

function receipt(sessionId: string, t: number, status: Receipt['status'], eventId: string): Receipt {
  return {
    version: 1,
    storeId: store.id,
    sessionId,
    token: `tok-${sessionId}`,
    enteredAt: t,
    exitedAt: t + 1000,
    finalisedAt: t + 2000,
    status,
    confidence: status === 'review' ? 0.4 : 0.99,
    reviewReasons: status === 'review' ? ['ambiguous association'] : [],
    lines: [
      {
        sku: facing?.sku ?? '',
        quantity: 1,
        evidence: [
          {
            eventId,
            kind: 'take',
            plates: [plateId],
            t0: t,
            t1: t + 400,
            deltaGrams: -350,
            quantity: 1,
            hypothesisProb: 0.9,
            associationProb: 0.9,
          },
        ],
      },
    ],
  };
}

/** One shopper: enters, takes a can (an event), leaves; every 50th cart goes to review. */
function shopper(bus: InProcessBus, i: number, finish: boolean): void {
  const sessionId = `S-${i}`;
  const t = 1_000_000 + i * 1000;
  bus.publish('edge.session', { sessionId, token: `tok-${sessionId}`, t, state: 'open', members: 1 });
  const eventId = `E-${i}`;
  bus.publish('edge.shelf-event', {
    id: eventId,
    t0: t,
    t1: t + 400,
    plates: [{ plateId, deltaGrams: -350 }],
    deltaGrams: -350,
    hypotheses: [{ sku: facing?.sku ?? '', count: 1, kind: 'take', prob: 0.9 }],
    candidates: [{ sessionId, prob: 0.9 }],
    sessionId,
  });
  // Unassigned events (nobody near the shelf) also arrive and must not pile up.
  bus.publish('edge.shelf-event', {
    id: `U-${i}`,
    t0: t,
    t1: t + 400,
    plates: [{ plateId, deltaGrams: 2 }],
    deltaGrams: 2,
    hypotheses: [],
    candidates: [],
    sessionId: null,
  });
  if (finish) bus.publish('edge.receipt', receipt(sessionId, t, i % 50 === 0 ? 'review' : 'charge', eventId));
}

describe('dashboard live state stays bounded', () => {
  it('10 000 sessions pass through: settled ones are capped, open and review sessions are all kept', () => {
    const bus = new InProcessBus();
    let now = 0;
    const state = new LiveState(store, bus, new Set(), {
      maxSettled: 200,
      maxOrphanEvents: 300,
      now: () => now,
    });
    const sizes: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      now = i * 10;
      // Every 100th shopper is still in the store at the end.
      shopper(bus, i, i % 100 !== 7);
      if (i % 1000 === 999) {
        // What is not an open or review session (or its event) must stay constant.
        const kept = [...state.sessions.values()].filter(
          (s) => !s.receipt || state.reviewQueue().includes(s),
        );
        sizes.push(state.sessions.size + state.events.size - 2 * kept.length);
      }
    }
    const open = [...state.sessions.values()].filter((s) => !s.receipt);
    const review = state.reviewQueue();
    expect(open).toHaveLength(100);
    expect(review).toHaveLength(200);
    const sz = state.sizes();
    expect(sz.settled).toBe(200);
    expect(sz.sessions).toBe(100 + 200 + 200);
    // Each kept session owns its one event; plus the capped unassigned ones.
    expect(sz.orphanEvents).toBe(300);
    expect(sz.events).toBe(sz.sessions + 300);
    // After warm-up the settled part no longer grows with traffic: 200 sessions + 200 events + 300 orphans.
    expect(sizes.slice(1)).toEqual(Array(9).fill(700));
    // The newest settled sessions stay (the recent list), with their evidence.
    const newest = state.sessions.get('S-9999');
    expect(newest?.receipt?.status).toBe('charge');
    expect(state.events.has('E-9999')).toBe(true);
    expect(state.sessions.has('S-1')).toBe(false);
    expect(state.events.has('E-1')).toBe(false);
    state.close();
  });

  it('drops settled sessions after the retention window and releases move a review cart to settled', () => {
    const bus = new InProcessBus();
    let now = 0;
    const state = new LiveState(store, bus, new Set(), { settledMs: 60_000, now: () => now });
    shopper(bus, 1, true);
    shopper(bus, 50, true); // review
    now = 30_000;
    shopper(bus, 2, true);
    expect(state.sessions.has('S-1')).toBe(true);
    now = 61_000;
    shopper(bus, 3, true); // a new settle prunes
    expect(state.sessions.has('S-1')).toBe(false);
    expect(state.sessions.has('S-2')).toBe(true);
    expect(state.reviewQueue().map((s) => s.sessionId)).toEqual(['S-50']);
    state.markReleased('S-50');
    now = 200_000;
    shopper(bus, 4, true);
    expect([...state.sessions.keys()]).toEqual(['S-4']);
    // Late news for a dropped session is ignored rather than shown as a new open session.
    bus.publish('edge.session', { sessionId: 'S-2', token: 't', t: 1, state: 'finalised', members: 1 });
    expect(state.sessions.has('S-2')).toBe(false);
    state.close();
  });

  it('tracks camera status from device.status', () => {
    const bus = new InProcessBus();
    const state = new LiveState(store, bus, new Set());
    const changed: string[] = [];
    state.listen({ tracks() {}, flash() {}, changed: (w) => void changed.push(w) });
    bus.publish('device.status', {
      deviceId: 'cam1',
      kind: 'camera',
      t: 5,
      status: 'down',
      detail: 'no RTSP',
    });
    expect(state.cameraStatus.get('cam1')).toEqual({ status: 'down', t: 5, detail: 'no RTSP' });
    bus.publish('device.status', { deviceId: 'cam1', kind: 'camera', t: 6, status: 'up' });
    expect(state.cameraStatus.get('cam1')).toEqual({ status: 'up', t: 6 });
    expect(changed.filter((c) => c === 'cameras')).toHaveLength(2);
    expect(state.alerts.filter((a) => a.kind === 'camera-down')).toHaveLength(1);
    state.close();
  });
});
