import type { InputTopic, TopicMap } from '../core/messages.ts';
import type { Truth, TruthEvent } from '../core/receipt.ts';
import type { GateConfig } from '../core/store/schema.ts';
import { CameraSensors } from './cameras.ts';
import { drawClothing } from './clothing.ts';
import { DEFAULT_START_MS, type SimEntry, type SimulationOptions } from './index.ts';
import { createPlateSensors, SAMPLE_MS, SETTLE_TAU_MS } from './load-cells.ts';
import { PRESET_PARAMS } from './presets.ts';
import { Rng } from './rng.ts';
import { candidateFacings, lineX, lineY, planShopper } from './shopper-plans.ts';
import { type Session, Shopper, type World } from './shoppers.ts';
import { injectFaults } from './sim-faults.ts';
import { WalkGrid } from './walk-grid.ts';

type Msg = { kind: 'message'; at: number; topic: InputTopic; msg: TopicMap[InputTopic] };

/**
 * Simulates store traffic: shoppers with plans, load cells, cameras and gates, yielding every sensor
 * message in arrival order and the ground truth as it happens. Deterministic from `seed`.
 */
export function* simulate(opts: SimulationOptions): Generator<SimEntry> {
  const { store } = opts;
  const params = PRESET_PARAMS[opts.preset];
  const start = opts.startMs ?? DEFAULT_START_MS;
  const root = new Rng(opts.seed);
  const rng = root.fork(1);
  const plates = createPlateSensors(store, root.fork(2));
  const cameras = new CameraSensors(store, root.fork(3));
  const netRng = root.fork(4);
  const grid = new WalkGrid(store);
  const stock = new Map<string, number>();
  for (const f of store.config.planogram)
    f.plates.forEach((id, i) =>
      stock.set(id, Math.floor(f.units / f.plates.length) + (i < f.units % f.plates.length ? 1 : 0)),
    );
  const facings = candidateFacings(store, params, root.fork(5));
  // Clothing and how cameras render it draw from streams of their own, forked last: every other draw
  // stays as it was.
  const looks = root.fork(6);
  cameras.renderClothing(root.fork(7));
  const entryGate = store.config.gates.find((g) => g.kind === 'entry') as GateConfig;
  const exitGate = store.config.gates.find((g) => g.kind === 'exit') as GateConfig;
  const zone = (id: string) => store.config.zones.find((z) => z.id === id)?.area;
  const entryZone = zone(entryGate.zone);
  const exitZone = zone(exitGate.zone);
  if (!entryZone || !exitZone) return;

  let out: Msg[] = [];
  const truths: Truth[] = [];
  const emit = <T extends InputTopic>(at: number, topic: T, msg: TopicMap[T]) =>
    out.push({ kind: 'message', at: start + at, topic, msg });
  const world: World = {
    store,
    grid,
    plates,
    stock,
    rng,
    params,
    truth: (e: TruthEvent) =>
      truths.push({ ...e, t0: start + Math.round(e.t0), t1: start + Math.round(e.t1) }),
    others: () => shoppers,
    passage: (g, t) =>
      emit(t + 30, 'gate.passage', {
        gateId: g.id,
        t: start + Math.round(t),
        direction: g.kind === 'entry' ? 'in' : 'out',
      }),
  };

  const sessions: Session[] = [];
  const shoppers: Shopper[] = [];
  let arrivals = 0;
  let nextArrival = rng.exponential(params.oneAtATime ? 3000 : 60_000 / params.arrivalsPerMinute);

  const planCtx = { store, grid, rng, params, world, facings, entryGate, exitGate, exitZone };

  const arrive = (t: number) => {
    const size = rng.chance(params.groupProbability) ? rng.int(2, 4) : 1;
    // Always draw, so supplying real tokens (the demo) leaves the rest of the simulation unchanged.
    const drawn = `tok_${rng.hex(8)}`;
    const token = opts.tokenFor?.(arrivals) ?? drawn;
    arrivals++;
    const session: Session = { token, scanAt: t, members: [], exited: 0, cart: new Map() };
    sessions.push(session);
    emit(t + 20, 'gate.scan', { gateId: entryGate.id, t: start + Math.round(t), token });
    for (let m = 0; m < size; m++) {
      const spawn = grid.snap(
        lineX(entryGate) + rng.range(-0.35, 0.35),
        entryZone.min[1] + 0.25 + rng.range(0, 0.2),
      );
      const s = new Shopper(session, m, spawn, world);
      s.clothing = drawClothing(looks);
      session.members.push(s);
      shoppers.push(s);
      planShopper(planCtx, s);
    }
  };

  const cameraDown = params.faults
    ? injectFaults(store, plates, cameras, rng, opts, start, emit)
    : new Map<string, Array<[number, number]>>();

  const alpha = 1 - Math.exp(-SAMPLE_MS / SETTLE_TAU_MS);
  const camPeriods = cameras.cameras.map((c) => 1000 / (c.config.fps || 10));
  const camNext = cameras.cameras.map((_, i) => (i * 37) % (camPeriods[i] ?? 100));
  const hardStop = opts.durationMs + 45 * 60_000;
  let t = 0;
  for (let step = 0; ; step++) {
    t = step * SAMPLE_MS;
    const open = shoppers.some((s) => !s.gone);
    if (t >= opts.durationMs && !open) break;
    if (t >= hardStop) break;
    // The entry gate admits one scan at a time: the next shopper waits until the previous group is through.
    const gateBusy = shoppers.some((s) => !s.gone && !s.inside && !s.leaving);
    if (t < opts.durationMs && t >= nextArrival && !gateBusy && (!params.oneAtATime || !open)) {
      arrive(t);
      nextArrival = params.oneAtATime
        ? Number.POSITIVE_INFINITY
        : t + rng.exponential(60_000 / params.arrivalsPerMinute);
    }
    for (const s of shoppers) if (!s.gone) s.update(t, SAMPLE_MS);
    opts.observe?.(
      start + t,
      shoppers
        .filter((s) => !s.gone)
        .map((s) => ({ token: s.session.token, member: s.member, x: s.x, y: s.y, height: s.height })),
    );
    for (const session of sessions) {
      if (session.exited < session.members.length && session.members.every((m) => m.gone)) {
        session.exited = session.members.length;
        const exitedAt = start + Math.round(t);
        truths.push({
          truth: 'session',
          token: session.token,
          members: session.members.length,
          enteredAt: start + Math.round(session.scanAt),
          exitedAt,
        });
        truths.push({
          truth: 'receipt',
          token: session.token,
          lines: [...session.cart]
            .filter(([, q]) => q > 0)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([sku, quantity]) => ({ sku, quantity })),
        });
        if (params.oneAtATime) nextArrival = t + 3000 + rng.exponential(8000);
      }
    }
    for (let i = shoppers.length - 1; i >= 0; i--) if (shoppers[i]?.gone) shoppers.splice(i, 1);
    for (let i = sessions.length - 1; i >= 0; i--)
      if ((sessions[i] as Session).exited > 0) sessions.splice(i, 1);

    for (const sensor of plates.values()) {
      if (step < sensor.phase) continue;
      const batch = sensor.sample(t, alpha);
      if (!batch) continue;
      if (netRng.chance(params.loss)) continue;
      const late = netRng.chance(params.reorder) ? 260 : 0;
      emit(t + 4 + netRng.range(0, 20) + late, 'shelf.samples', {
        plateId: sensor.plateId,
        seq: batch.seq,
        t0: start + Math.round(batch.t0 * 100) / 100,
        periodMs: Math.round(SAMPLE_MS * 1000) / 1000,
        grams: batch.grams,
      });
    }
    cameras.cameras.forEach((cam, i) => {
      if (t < (camNext[i] as number)) return;
      camNext[i] = (camNext[i] as number) + (camPeriods[i] as number);
      if (cameraDown.get(cam.id)?.some(([a, b]) => t >= a && t < b)) return;
      const bodies = shoppers.filter((s) => !s.gone).map((s) => s.pose());
      emit(
        t + 40 + netRng.range(0, 30),
        'camera.poses',
        cameras.frame(cam, start + t, bodies, params.cameraMiss),
      );
    });

    if (truths.length > 0) {
      for (const tr of truths) yield { kind: 'truth', truth: tr };
      truths.length = 0;
    }
    if (out.length > 0) {
      const due = out.filter((m) => m.at <= start + t);
      if (due.length > 0) {
        out = out.filter((m) => m.at > start + t);
        due.sort((a, b) => a.at - b.at);
        for (const m of due) yield { ...m, at: Math.round(m.at * 100) / 100 };
      }
    }
  }
  out.sort((a, b) => a.at - b.at);
  for (const m of out) yield { ...m, at: Math.round(m.at * 100) / 100 };
  for (const tr of truths) yield { kind: 'truth', truth: tr };
}
