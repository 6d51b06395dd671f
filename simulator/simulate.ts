import type { InputTopic, TopicMap } from '../core/messages.ts';
import type { Truth, TruthEvent } from '../core/receipt.ts';
import type { FacingConfig, GateConfig } from '../core/store/schema.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import { CameraSensors } from './cameras.ts';
import { DEFAULT_START_MS, type SimEntry, type SimulationOptions } from './index.ts';
import { createPlateSensors, SAMPLE_MS, SETTLE_TAU_MS } from './load-cells.ts';
import { PRESET_PARAMS, type SimParams } from './presets.ts';
import { Rng } from './rng.ts';
import { type Session, Shopper, standPoint, type World } from './shoppers.ts';
import { WalkGrid } from './walk-grid.ts';

type Msg = { kind: 'message'; at: number; topic: InputTopic; msg: TopicMap[InputTopic] };

/** Facings worth visiting under a preset: lookalike prefers products with a near-identical neighbour. */
function candidateFacings(store: StoreModel, params: SimParams, rng: Rng): FacingConfig[] {
  const all = store.config.planogram.filter((f) => f.units > 0);
  if (params.hotShelf) {
    const shelves = [...new Set(all.map((f) => store.plate(f.plates[0] as string)?.shelf.id))];
    const hot = shelves[Math.floor(rng.next() * shelves.length)];
    const onHot = all.filter((f) => store.plate(f.plates[0] as string)?.shelf.id === hot);
    if (onHot.length >= 2) return onHot;
  }
  if (params.lookalike) {
    const similar = all.filter((f) => {
      const p = store.product(f.sku);
      const around = store
        .platesAround(f.plates[0] as string, 3)
        .concat(store.platesAround(f.plates[f.plates.length - 1] as string, 3));
      return around.some((pl) => {
        const q = pl.facing ? store.product(pl.facing.sku) : undefined;
        return (
          p &&
          q &&
          q.sku !== p.sku &&
          Math.abs(q.weight.meanGrams - p.weight.meanGrams) <= Math.max(5, 0.03 * p.weight.meanGrams)
        );
      });
    });
    if (similar.length > 0) return similar;
  }
  return all;
}

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
  const entryGate = store.config.gates.find((g) => g.kind === 'entry') as GateConfig;
  const exitGate = store.config.gates.find((g) => g.kind === 'exit') as GateConfig;
  const zone = (id: string) => store.config.zones.find((z) => z.id === id)?.area;
  const entryZone = zone(entryGate.zone);
  const exitZone = zone(exitGate.zone);
  if (!entryZone || !exitZone) return;
  const lineY = (g: GateConfig) => (g.line[0][1] + g.line[1][1]) / 2;
  const lineX = (g: GateConfig) => (g.line[0][0] + g.line[1][0]) / 2;

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

  const plan = (s: Shopper, t: number) => {
    const visits = rng.int(params.visits[0], params.visits[1]);
    const inside: [number, number] = grid.snap(
      lineX(entryGate) + rng.range(-0.2, 0.2),
      lineY(entryGate) + 0.9 + rng.range(0, 0.4),
    );
    s.steps.push({ k: 'pause', ms: 300 + s.member * 700 }, { k: 'walk', to: inside, gate: 'in' });
    for (let v = 0; v < visits; v++) {
      const f = rng.pick(facings);
      const plateId = rng.pick(f.plates);
      const info = store.plate(plateId);
      if (!info) continue;
      const [sx, sy] = standPoint(world, info);
      s.steps.push({
        k: 'walk',
        to: [sx + rng.range(-0.08, 0.08), sy + rng.range(-0.08, 0.08)],
        personalSpace: true,
      });
      s.steps.push({ k: 'pause', ms: rng.range(400, 2500), face: [info.centre[0], info.centre[1]] });
      const count = rng.chance(params.multiUnit) ? rng.int(2, 3) : 1;
      s.steps.push({ k: 'take', plateId, count });
      if (rng.chance(params.putBack)) {
        s.steps.push({ k: 'pause', ms: rng.range(1500, 4000) });
        let back = plateId;
        if (rng.chance(params.misplaced)) {
          const near = store.platesAround(plateId, 3).filter((p) => !f.plates.includes(p.id));
          if (near.length > 0) back = rng.pick(near).id;
        }
        s.steps.push({ k: 'return', plateId: back });
      } else if (s.session.members.length > 1 && rng.chance(params.handover)) {
        s.steps.push({ k: 'handover' });
      }
    }
    // Line up in front of the exit, then walk straight through it (the gate is the only way out).
    const dx = rng.range(-0.3, 0.3);
    const approach: [number, number] = grid.snap(lineX(exitGate) + dx, lineY(exitGate) + 0.8);
    const exitTo: [number, number] = [lineX(exitGate) + dx, exitZone.min[1] + 0.25];
    s.steps.push(
      { k: 'walk', to: approach },
      { k: 'walk', to: exitTo, gate: 'out' },
      { k: 'pause', ms: 800 },
    );
    void t;
  };

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
      session.members.push(s);
      shoppers.push(s);
      plan(s, t);
    }
  };

  // Faults: a stuck, a silent and an offset plate; cameras dropping out.
  const cameraDown = new Map<string, Array<[number, number]>>();
  if (params.faults) {
    const ids = [...plates.keys()];
    const pick = () => rng.pick(ids);
    const d = opts.durationMs;
    const silent = pick();
    plates.get(pick())?.faults.push({ kind: 'stuck', from: d * 0.2, to: d * 0.6 });
    plates.get(silent)?.faults.push({ kind: 'silent', from: d * 0.3, to: d * 0.3 + 120_000 });
    plates
      .get(pick())
      ?.faults.push({ kind: 'offset', from: d * 0.5, to: Number.POSITIVE_INFINITY, offset: 35 });
    const ctrl = store.plate(silent)?.plate.controller;
    if (ctrl) {
      emit(d * 0.3 + 1000, 'device.status', {
        deviceId: ctrl.id,
        kind: 'shelf-controller',
        t: start + Math.round(d * 0.3 + 1000),
        status: 'degraded',
        detail: `channel ${ctrl.channel} (${silent}) silent`,
      });
      emit(d * 0.3 + 120_000, 'device.status', {
        deviceId: ctrl.id,
        kind: 'shelf-controller',
        t: start + Math.round(d * 0.3 + 120_000),
        status: 'up',
      });
    }
    for (const cam of cameras.cameras.slice(0, 2)) {
      const from = rng.range(0.1, 0.7) * d;
      const to = from + rng.range(60_000, 120_000);
      cameraDown.set(cam.id, [[from, to]]);
      emit(from + 2000, 'device.status', {
        deviceId: cam.id,
        kind: 'camera',
        t: start + Math.round(from + 2000),
        status: 'down',
        detail: 'no frames',
      });
      emit(to, 'device.status', {
        deviceId: cam.id,
        kind: 'camera',
        t: start + Math.round(to),
        status: 'up',
      });
    }
  }

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
