import type { FacingConfig, GondolaConfig, PlateConfig, ProductConfig, ShelfConfig } from './schema.ts';
import type { StoreConfig } from './store-config.ts';

/** A plate with its place in the store, precomputed once so hot paths never search the config. */
export interface PlateInfo {
  readonly plate: PlateConfig;
  readonly id: string;
  readonly gondola: GondolaConfig;
  readonly shelf: ShelfConfig;
  /** Index of the plate along its shelf, left to right. */
  readonly index: number;
  /** Plate ids left and right of this one on the same shelf. */
  readonly neighbours: string[];
  /** The facing stocked on this plate, if any. */
  readonly facing: FacingConfig | undefined;
  readonly centre: [number, number, number];
}

/** Read-only lookups over a validated store config, shared by edge, simulator and cloud. */
export class StoreModel {
  readonly plates = new Map<string, PlateInfo>();
  readonly products = new Map<string, ProductConfig>();
  readonly facingsBySku = new Map<string, FacingConfig[]>();
  /** `${controllerId}#${channel}` → plate id. */
  readonly plateByChannel = new Map<string, string>();

  constructor(readonly config: StoreConfig) {
    for (const p of config.products) this.products.set(p.sku, p);
    const facingByPlate = new Map<string, FacingConfig>();
    for (const f of config.planogram) {
      for (const pid of f.plates) facingByPlate.set(pid, f);
      const list = this.facingsBySku.get(f.sku) ?? [];
      list.push(f);
      this.facingsBySku.set(f.sku, list);
    }
    for (const gondola of config.gondolas) {
      for (const shelf of gondola.shelves) {
        shelf.plates.forEach((plate, index) => {
          const neighbours = [shelf.plates[index - 1]?.id, shelf.plates[index + 1]?.id].filter(
            (x): x is string => x !== undefined,
          );
          const { min, max } = plate.box;
          this.plates.set(plate.id, {
            plate,
            id: plate.id,
            gondola,
            shelf,
            index,
            neighbours,
            facing: facingByPlate.get(plate.id),
            centre: [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2],
          });
          this.plateByChannel.set(`${plate.controller.id}#${plate.controller.channel}`, plate.id);
        });
      }
    }
  }

  get id(): string {
    return this.config.id;
  }

  plate(id: string): PlateInfo | undefined {
    return this.plates.get(id);
  }

  product(sku: string): ProductConfig | undefined {
    return this.products.get(sku);
  }

  /** Plates within `radius` positions of `plateId` on the same shelf, including itself. */
  platesAround(plateId: string, radius: number): PlateInfo[] {
    const info = this.plates.get(plateId);
    if (!info) return [];
    const out: PlateInfo[] = [];
    for (
      let i = Math.max(0, info.index - radius);
      i <= Math.min(info.shelf.plates.length - 1, info.index + radius);
      i++
    ) {
      const p = info.shelf.plates[i];
      const pi = p ? this.plates.get(p.id) : undefined;
      if (pi) out.push(pi);
    }
    return out;
  }
}
