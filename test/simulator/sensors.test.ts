import { describe, expect, it } from 'vitest';
import type { Rgb } from '../../core/messages.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { type BodyPose, CameraSensors, joints } from '../../simulator/cameras.ts';
import { drawClothing } from '../../simulator/clothing.ts';
import { PlateSensor, QUANTUM, SAMPLE_MS, SETTLE_TAU_MS } from '../../simulator/load-cells.ts';
import { Rng } from '../../simulator/rng.ts';

const alpha = 1 - Math.exp(-SAMPLE_MS / SETTLE_TAU_MS);

function run(sensor: PlateSensor, from: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = sensor.sample(from + i * SAMPLE_MS, alpha);
    if (b) out.push(...(b.grams as number[]));
  }
  return out;
}

describe('load-cell model', () => {
  it('has the stated white noise RMS and 0.24 g quantisation', () => {
    for (const sd of [0.5, 1, 3.5]) {
      const s = new PlateSensor('p', 1000, sd, new Rng(7), 0);
      const v = run(s, 0, 60 * 20);
      // Remove the slow drift with a 1 s moving mean before measuring the noise.
      const resid = v.slice(30, -30).map((x, i) => x - v.slice(i, i + 61).reduce((a, b) => a + b, 0) / 61);
      // Robust RMS (1.4826 × median absolute deviation): the model also emits rare single-sample spikes.
      const sorted = resid.map(Math.abs).sort((a, b) => a - b);
      const rms = 1.4826 * (sorted[Math.floor(sorted.length / 2)] as number);
      expect(rms).toBeGreaterThan(sd * 0.85);
      expect(rms).toBeLessThan(Math.hypot(sd, QUANTUM / Math.sqrt(12)) * 1.15);
      for (const x of v) expect(Math.abs(x / QUANTUM - Math.round(x / QUANTUM))).toBeLessThan(1e-6);
    }
  });

  it('emits occasional single-sample spikes', () => {
    const s = new PlateSensor('p', 1000, 0.5, new Rng(2), 0);
    const v = run(s, 0, 60 * 60 * 30);
    const spikes = v.filter(
      (x, i) =>
        i > 0 &&
        i < v.length - 1 &&
        Math.abs(x - (v[i - 1] as number)) > 15 &&
        Math.abs(x - (v[i + 1] as number)) > 15,
    );
    expect(spikes.length).toBeGreaterThan(1);
    expect(spikes.length).toBeLessThan(30);
  });

  it('settles within 0.5 s of a load change', () => {
    const s = new PlateSensor('p', 1000, 0.5, new Rng(3), 0);
    run(s, 0, 120);
    s.load = 650;
    const after = run(s, 120 * SAMPLE_MS, 120);
    // 0.5 s = 30 samples: from then on readings sit at the new load (noise and drift allowed).
    for (const x of after.slice(30)) expect(Math.abs(x - 650)).toBeLessThan(6);
    expect(Math.abs((after[3] as number) - 650)).toBeGreaterThan(100);
  });

  it('drifts by only a few grams over minutes', () => {
    const s = new PlateSensor('p', 500, 0.5, new Rng(11), 0);
    const v = run(s, 0, 60 * 60 * 5);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const first = mean(v.slice(0, 600));
    const last = mean(v.slice(-600));
    expect(Math.abs(last - first)).toBeGreaterThan(0.01);
    expect(Math.abs(last - first)).toBeLessThan(8);
  });

  it('shakes neighbours by tens of grams for about 0.4 s', () => {
    const s = new PlateSensor('p', 800, 0.5, new Rng(5), 0);
    run(s, 0, 60);
    s.shake(60 * SAMPLE_MS, 30);
    const v = run(s, 60 * SAMPLE_MS, 60);
    const dev = v.map((x) => Math.abs(x - 800));
    expect(Math.max(...dev.slice(0, 24))).toBeGreaterThan(10);
    expect(Math.max(...dev.slice(27))).toBeLessThan(6);
  });

  it('reports in batches of 12 with consecutive sequence numbers, and stays silent when faulted', () => {
    const s = new PlateSensor('p', 0, 0.5, new Rng(1), 0);
    const seqs: number[] = [];
    s.faults.push({ kind: 'silent', from: 1000, to: 2000 });
    for (let i = 0; i < 60 * 3; i++) {
      const b = s.sample(i * SAMPLE_MS, alpha);
      if (b) {
        expect(b.grams).toHaveLength(12);
        seqs.push(b.seq);
      }
    }
    expect(seqs.length).toBeLessThan(15);
    expect(seqs.length).toBeGreaterThan(8);
    // Silent batches are lost in transit: the sequence shows the gap.
    expect(seqs.some((q, i) => i > 0 && q !== (seqs[i - 1] as number) + 1)).toBe(true);
  });
});

describe('body model', () => {
  it('puts a reaching wrist where asked and ankles on the floor', () => {
    const j = joints({ x: 1, y: 2, heading: 0, height: 1.8, stride: 0, rightWrist: [1.6, 2, 1.1] });
    expect(j).toHaveLength(17);
    expect(j[10]).toEqual([1.6, 2, 1.1]);
    expect(j[15]?.[2]).toBeCloseTo(0.07);
    expect(j[0]?.[2]).toBeCloseTo(1.8 * 0.93);
  });
});

describe('clothing model', () => {
  const logDiff = (a: Rgb, b: Rgb) =>
    Math.max(...a.map((v, k) => Math.abs(Math.log(v + 10) - Math.log((b[k] as number) + 10))));

  it('dresses many shoppers alike: about one pair in ten wears torsos of one colour', () => {
    const rng = new Rng(3);
    const cs = Array.from({ length: 400 }, () => drawClothing(rng));
    let sameFamily = 0;
    let pairs = 0;
    for (let i = 0; i < cs.length; i++)
      for (let j = i + 1; j < cs.length; j++) {
        pairs++;
        if (logDiff((cs[i] as { upper: Rgb }).upper, (cs[j] as { upper: Rgb }).upper) < 0.35) sameFamily++;
      }
    expect(sameFamily / pairs).toBeGreaterThan(0.06);
    expect(sameFamily / pairs).toBeLessThan(0.2);
    expect(cs.filter((c) => c.inner).length / cs.length).toBeGreaterThan(0.15);
  });

  it('renders one shopper alike in every camera that sees them, within white balance and light', () => {
    const store = loadStore('demo');
    const sensors = new CameraSensors(store, new Rng(5));
    sensors.renderClothing(new Rng(6));
    const clothing = { upper: [170, 35, 40] as Rgb, lower: [55, 75, 115] as Rgb };
    const body: BodyPose = { x: 5, y: 5, heading: 1, height: 1.75, stride: 0, clothing };
    const seen: Rgb[] = [];
    for (let k = 0; k < 20; k++)
      for (const cam of sensors.cameras) {
        const p = sensors.frame(cam, k * 100, [body], 0).persons[0];
        if (p?.appearance?.upper) seen.push(p.appearance.upper);
      }
    expect(seen.length).toBeGreaterThanOrEqual(40);
    const red = seen.filter((c) => c[0] > 2 * c[1] && c[0] > 2 * c[2]).length;
    expect(red / seen.length).toBeGreaterThan(0.95);
    // Not a copy of the truth either: views differ by light and noise.
    expect(new Set(seen.map((c) => c.join())).size).toBeGreaterThan(seen.length * 0.8);
  });

  it('leaves out a torso hidden behind a nearer shopper and carries no appearance without clothing', () => {
    const store = loadStore('demo');
    const sensors = new CameraSensors(store, new Rng(5));
    const cam =
      sensors.cameras.find((c) => c.id.includes('1')) ?? (sensors.cameras[0] as (typeof sensors.cameras)[0]);
    const plain = sensors.frame(
      cam,
      0,
      [{ x: cam.centre[0] + 1.5, y: cam.centre[1], heading: 0, height: 1.75, stride: 0 }],
      0,
    );
    expect(plain.persons[0]?.appearance).toBeUndefined();
    sensors.renderClothing(new Rng(6));
    const c = { upper: [225, 225, 220] as Rgb, lower: [30, 30, 32] as Rgb };
    // Two shoppers on one line of sight, the far one right behind the near one.
    const [cx, cy] = [cam.centre[0], cam.centre[1]];
    const near: BodyPose = { x: cx + 2, y: cy, heading: 0, height: 1.85, stride: 0, clothing: c };
    const far: BodyPose = { x: cx + 2.6, y: cy, heading: 0, height: 1.7, stride: 0, clothing: c };
    let hidden = 0;
    let frames = 0;
    for (let k = 0; k < 10; k++) {
      const ps = sensors.frame(cam, k * 100, [near, far], 0).persons;
      if (ps.length < 2) continue;
      frames++;
      if (ps.some((p) => !p.appearance?.upper)) hidden++;
    }
    expect(frames).toBeGreaterThan(0);
    expect(hidden).toBe(frames);
  });
});
