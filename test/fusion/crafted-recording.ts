import type { TruthReceipt } from '../../core/receipt.ts';
import { RecordingWriter } from '../../core/recording/index.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { gauss, rng } from './signals.ts';

interface Step {
  plateId: string;
  t: number;
  delta: number;
}

/**
 * A crafted recording independent of the simulator: shoppers enter one after another, each takes a
 * few items (some spread over two plates, some multi-unit, one put back), and leaves. The plates of
 * the shelves involved stream at 25 Hz in batches of 12 with white noise. Truth receipts are written
 * as the simulator would, so tests can check that the engine ignores them.
 */
export async function writeCraftedRecording(
  path: string,
  store: StoreModel,
  o: { shoppers: number; truth: boolean; seed?: number },
): Promise<TruthReceipt[]> {
  const r = rng(o.seed ?? 5);
  const shelves = [store.config.gondolas[0]?.shelves[0], store.config.gondolas[0]?.shelves[1]].filter(
    (s) => s !== undefined,
  );
  const plates = shelves.flatMap((s) => s.plates.map((p) => p.id));
  const facings = store.config.planogram.filter((f) => f.plates.every((p) => plates.includes(p)));
  const steps: Step[] = [];
  const gates: Array<{ t: number; topic: 'gate.scan' | 'gate.passage'; msg: unknown }> = [];
  const truth: TruthReceipt[] = [];
  const T0 = 1_767_600_000_000;
  const gateIn = store.config.gates.find((g) => g.kind === 'entry')?.id ?? 'gate-in';
  const gateOut = store.config.gates.find((g) => g.kind === 'exit')?.id ?? 'gate-out';
  for (let k = 0; k < o.shoppers; k++) {
    const t0 = 2000 + k * 30_000;
    const token = `crafted-${k}`;
    gates.push({ t: t0, topic: 'gate.scan', msg: { gateId: gateIn, t: T0 + t0, token } });
    gates.push({
      t: t0 + 800,
      topic: 'gate.passage',
      msg: { gateId: gateIn, t: T0 + t0 + 800, direction: 'in' },
    });
    const lines = new Map<string, number>();
    for (let j = 0; j < 3; j++) {
      const f = facings[Math.floor(r() * facings.length)];
      const w = f && store.product(f.sku)?.weight;
      if (!f || !w) continue;
      const count = j === 2 ? 2 : 1;
      const grams = count * w.meanGrams + gauss(r) * w.sdGrams * Math.sqrt(count);
      const t = t0 + 5000 + j * 5000;
      const split = f.plates.length > 1 && j === 1;
      steps.push({ plateId: f.plates[0] as string, t, delta: -(split ? grams * 0.6 : grams) });
      if (split) steps.push({ plateId: f.plates[1] as string, t: t + 60, delta: -grams * 0.4 });
      lines.set(f.sku, (lines.get(f.sku) ?? 0) + count);
      if (j === 2) {
        // puts one of the two back
        steps.push({ plateId: f.plates[0] as string, t: t + 3000, delta: grams / 2 });
        lines.set(f.sku, (lines.get(f.sku) ?? 0) - 1);
      }
    }
    gates.push({
      t: t0 + 24_000,
      topic: 'gate.passage',
      msg: { gateId: gateOut, t: T0 + t0 + 24_000, direction: 'out' },
    });
    truth.push({
      truth: 'receipt',
      token,
      lines: [...lines].filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity })),
    });
  }
  const duration = 2000 + o.shoppers * 30_000 + 5000;
  const w = RecordingWriter.open(path, { generator: 'walkout test/fusion crafted', store: store.config });
  const level = new Map(plates.map((p, i) => [p, 3000 + 137 * i]));
  const pending = [...steps].sort((a, b) => a.t - b.t);
  const period = 40;
  const per = 12;
  let seq = 0;
  let g = 0;
  for (let t = 0; t < duration; t += period * per) {
    const at = T0 + t + period * per;
    while (g < gates.length && (gates[g]?.t ?? 0) + T0 <= at) {
      const e = gates[g++] as (typeof gates)[number];
      w.message(e.t + T0, e.topic, e.msg as never);
    }
    for (const p of plates) {
      const grams: number[] = [];
      for (let i = 0; i < per; i++) {
        const ts = t + i * period;
        // a 400 ms lift: the level moves linearly to its new value
        let v = level.get(p) ?? 0;
        for (const s of pending)
          if (s.plateId === p && ts >= s.t) v += ts >= s.t + 400 ? s.delta : (s.delta * (ts - s.t)) / 400;
        grams.push(Math.round((v + gauss(r) * 0.6) * 100) / 100);
      }
      w.message(at, 'shelf.samples', { plateId: p, seq, t0: T0 + t, periodMs: period, grams });
    }
    seq++;
    await w.flushIfNeeded();
  }
  if (o.truth) for (const t of truth) w.truth(t);
  await w.close();
  return truth;
}
