import type { Alert, DeviceStatus, ShelfEvent } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { InventoryView, SessionView } from './live-state-types.ts';

/** A session first heard of now; `released` comes from the record of releases. */
export function newSessionView(sessionId: string, token: string, t: number, released: boolean): SessionView {
  return {
    sessionId,
    tokenHint: `${token.slice(0, 6)}…`,
    state: 'open',
    members: 1,
    enteredAt: t,
    lastT: t,
    confidence: 1,
    lines: [],
    eventIds: [],
    receipt: null,
    released,
  };
}

export function inventoryOf(store: StoreModel, plateGrams: ReadonlyMap<string, number>): InventoryView[] {
  return store.config.planogram.map((f) => {
    const grams = f.plates.reduce((a, p) => a + (plateGrams.get(p) ?? Number.NaN), 0);
    const unit = store.product(f.sku)?.weight.meanGrams ?? 1;
    const known = Number.isFinite(grams);
    return {
      sku: f.sku,
      name: store.product(f.sku)?.name ?? f.sku,
      plates: f.plates,
      grams: known ? Math.round(grams) : 0,
      units: known ? Math.max(0, Math.round(grams / unit)) : f.units,
      stocked: f.units,
    };
  });
}

/** Books a shelf event on its session's live cart: its most likely hypothesis, at its confidence. */
export function applyShelfEvent(s: SessionView, m: ShelfEvent, store: StoreModel): void {
  const best = m.hypotheses[0];
  s.eventIds.push(m.id);
  const conf = (best?.prob ?? 1) * (m.candidates[0]?.prob ?? 1);
  s.confidence = Math.min(s.confidence, conf);
  if (best) {
    const line = s.lines.find((l) => l.sku === best.sku);
    const delta = best.kind === 'take' ? best.count : -best.count;
    if (line) line.quantity += delta;
    else if (delta > 0)
      s.lines.push({
        sku: best.sku,
        name: store.product(best.sku)?.name ?? best.sku,
        quantity: delta,
      });
    s.lines = s.lines.filter((l) => l.quantity > 0);
  }
}

/** A return onto plates whose facing holds another product. */
export function misplacedAlert(m: ShelfEvent, store: StoreModel): Alert | null {
  const best = m.hypotheses[0];
  if (best?.kind !== 'return') return null;
  const wrong = m.plates.filter((p) => store.plate(p.plateId)?.facing?.sku !== best.sku);
  if (wrong.length === 0) return null;
  return {
    t: m.t1,
    kind: 'misplaced-item',
    severity: 'info',
    message: `${store.product(best.sku)?.name ?? best.sku} left on ${wrong.map((w) => w.plateId).join(', ')}`,
    ref: m.id,
  };
}

/** A device reported anything but up. */
export function deviceAlert(m: DeviceStatus): Alert {
  return {
    t: m.t,
    kind: m.kind === 'camera' ? 'camera-down' : 'sensor-fault',
    severity: m.status === 'down' ? 'critical' : 'warning',
    message: `${m.kind} ${m.deviceId} is ${m.status}${m.detail ? `: ${m.detail}` : ''}`,
    ref: m.deviceId,
  };
}

/** A shopper left with a cart that needs an operator before it can be charged. */
export function unpaidExitAlert(r: Receipt): Alert {
  return {
    t: r.exitedAt,
    kind: 'unpaid-exit',
    severity: 'warning',
    message: `Session ${r.sessionId} left with an unpaid cart awaiting review (${r.reviewReasons.join('; ') || 'low confidence'})`,
    ref: r.sessionId,
  };
}
