import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { demoStore } from './builtin/demo.ts';
import { loadStore, parseStoreConfig } from './load-store.ts';

function errorsOf(doc: unknown): string[] {
  try {
    parseStoreConfig(doc);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('store config', () => {
  it('loads the built-in stores', () => {
    const demo = loadStore('demo');
    expect(demo.plates.size).toBe(200);
    expect(demo.products.size).toBeGreaterThanOrEqual(60);
    expect(demo.config.cameras.length).toBeGreaterThanOrEqual(6);
    expect(demo.product('cola-330')?.weight.meanGrams).toBe(350);
    expect(demo.product('lemon-330')?.weight.meanGrams).toBe(352);
    const kiosk = loadStore('kiosk');
    expect(kiosk.plates.size).toBe(12);
  });

  it('reports every bad field with its path at once', () => {
    const doc = demoStore();
    const plate = doc.gondolas[2]?.shelves[0]?.plates[3];
    if (!plate) throw new Error('fixture');
    plate.capacityGrams = 0;
    (doc.products[0] as Record<string, unknown>).colour = 'red';
    doc.planogram.push({ sku: 'nope', plates: ['g1.s1.p1', 'g2.s1.p1'], units: 1 });
    const errors = errorsOf(doc);
    expect(errors).toContain('gondolas[2].shelves[0].plates[3].capacityGrams: must be > 0');
    expect(errors).toContain('products[0].colour: unknown key "colour"');
    expect(errors).toContain('planogram[100].sku: unknown sku "nope"');
    expect(errors).toContain('planogram[100].plates: must be adjacent plates of one shelf');
    expect(errors.some((e) => e.startsWith('planogram[100].plates[0]: plate already holds'))).toBe(true);
  });

  it('rejects a channel wired to two plates', () => {
    const doc = demoStore();
    const shelf = doc.gondolas[0]?.shelves[0];
    if (!shelf?.plates[1] || !shelf.plates[0]) throw new Error('fixture');
    shelf.plates[1].controller = { ...shelf.plates[0].controller };
    expect(errorsOf(doc)).toContain(
      'gondolas[0].shelves[0].plates[1].controller: channel already used by plate "g1.s1.p1"',
    );
  });

  it('indexes neighbours and facings', () => {
    const demo = loadStore('demo');
    const p = demo.plate('g1.s1.p1');
    expect(p?.neighbours).toEqual(['g1.s1.p2']);
    expect(demo.platesAround('g1.s1.p5', 1).map((x) => x.id)).toEqual(['g1.s1.p4', 'g1.s1.p5', 'g1.s1.p6']);
    expect(p?.facing?.sku).toBeDefined();
  });
});

describe('error paths', () => {
  it('quotes keys that are not plain names', () => {
    const doc = demoStore() as unknown as {
      gondolas: Array<{ shelves: Array<{ plates: Array<Record<string, unknown>> }> }>;
    };
    const plate = doc.gondolas[0]?.shelves[0]?.plates[0];
    if (!plate) throw new Error('fixture');
    plate['capacity grams'] = 5;
    expect(errorsOf(doc)).toContain(
      'gondolas[0].shelves[0].plates[0]["capacity grams"]: unknown key "capacity grams"',
    );
  });
});
