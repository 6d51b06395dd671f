import type { ShelfEvent } from '../../core/messages.ts';
import type { PlateInfo, StoreModel } from '../../core/store/store-model.ts';
import type { CartBook } from '../carts/index.ts';
import type { ItemInference } from '../item-inference/index.ts';
import type { ShelfEventDraft } from '../shelf-events/index.ts';
import type { Tracker } from '../tracking/index.ts';
import type { EngineConfig } from './config.ts';
import type { Docked, IdentityHold } from './identity-holds.ts';

/** Misplaced stock: plate id → sku → units known to lie there though their facing is elsewhere. */
export type ForeignStock = Record<string, Record<string, number>>;

export interface Decision {
  event: ShelfEvent;
  /** Cart changes made, for the decision log. */
  applied: Array<{ sessionId: string; sku: string; quantity: number }>;
  /** Set when the event went to review for the acting shopper's identity alone (identity-holds.ts). */
  hold?: IdentityHold;
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** The store's plates of an event (ids the store does not know are left out). */
export function platesOf(store: StoreModel, draft: Pick<ShelfEventDraft, 'plates'>): PlateInfo[] {
  return draft.plates.map((p) => store.plate(p.plateId)).filter((p) => p !== undefined);
}

/**
 * Turns one detected interaction into a decision: who (tracker association), what (item posterior),
 * and how the carts change. Anything unsure still lands in the most likely cart as a tentative line,
 * but the event and every plausible cart are marked for review.
 */
export function decideEvent(
  draft: ShelfEventDraft,
  deps: {
    store: StoreModel;
    tracker: Pick<Tracker, 'associate'>;
    inference: ItemInference;
    carts: CartBook;
    cfg: EngineConfig;
  },
  foreign: ForeignStock,
): Decision {
  const { store, tracker, inference, carts, cfg } = deps;
  const plates = platesOf(store, draft);
  const assoc = tracker.associate({ plates, t0: draft.t0, t1: draft.t1, decide: true });
  const candidates = assoc.candidates
    .filter((c) => carts.has(c.sessionId))
    .map((c) => ({ sessionId: c.sessionId, prob: r6(c.prob) }));
  const foreignHere = new Map<string, number>();
  for (const p of draft.plates)
    for (const [sku, n] of Object.entries(foreign[p.plateId] ?? {}))
      foreignHere.set(sku, (foreignHere.get(sku) ?? 0) + n);
  const inf = inference.infer(draft, {
    carts: candidates.map((c) => ({ ...c, items: carts.items(c.sessionId) })),
    foreign: foreignHere,
    ...(draft.deltaGrams > 0 ? { anyCart: carts.allItems() } : {}),
  });
  const best = inf.hypotheses[0];
  const reasons: string[] = [];
  if (draft.fault) reasons.push(`plate fault: ${draft.fault}`);
  if (!best) reasons.push(`no product explains ${draft.deltaGrams} g`);
  else if (best.prob < cfg.carts.minHypothesisProb)
    reasons.push(`item uncertain: ${best.kind} ${best.count} × ${best.sku} p=${best.prob.toFixed(3)}`);
  const top = candidates[0];
  if (!top) reasons.push('no shopper to attribute it to');
  else if (assoc.uncertain) reasons.push(`attribution uncertain: ${assoc.uncertain}`);
  else if (top.prob < cfg.carts.minAssociationProb)
    reasons.push(`attribution uncertain: p=${top.prob.toFixed(3)}`);

  const applied: Decision['applied'] = [];
  const review = reasons.length > 0 ? reasons.join('; ') : undefined;
  // Every doubt this event puts on a cart, so that it can be taken back if the identity is settled.
  const docked: Docked[] = [];
  if (best && top) {
    const signed = best.kind === 'take' ? best.count : -best.count;
    const associationProb = assoc.uncertain ? Math.min(top.prob, 0.5) : top.prob;
    carts.apply({
      sessionId: top.sessionId,
      sku: best.sku,
      quantity: signed,
      evidence: {
        eventId: draft.id,
        kind: best.kind === 'take' ? 'take' : best.misplaced ? 'misplaced-return' : 'return',
        plates: draft.plates.map((p) => p.plateId),
        t0: draft.t0,
        t1: draft.t1,
        deltaGrams: draft.deltaGrams,
        hypothesisProb: best.prob,
        associationProb,
      },
    });
    applied.push({ sessionId: top.sessionId, sku: best.sku, quantity: signed });
    if (review) {
      const reason = `${draft.id}: ${review}`;
      carts.addReason(top.sessionId, reason);
      docked.push({
        sessionId: top.sessionId,
        reason,
        logPenalty: Math.log(associationProb / top.prob),
        eventId: draft.id,
        associationProb: top.prob,
      });
    }
    trackForeign(draft, best, store, foreign);
  }
  // Runner-ups that are plausible share the doubt; ones the tracker ruled out (p ≈ 0) do not. An even
  // spread over n sessions (no cameras) makes each of them plausible.
  const plausible = Math.min(cfg.carts.otherCandidateProb, 0.5 / Math.max(1, candidates.length));
  for (const c of candidates.slice(1)) {
    if (c.prob < plausible) continue;
    const reason = review ? `${draft.id}: may be theirs (${review})` : undefined;
    carts.doubt(c.sessionId, c.prob, reason);
    if (reason) docked.push({ sessionId: c.sessionId, reason, logPenalty: 0 });
  }
  // A track that may follow a rival's shopper makes the event possibly the rival's: as likely as not.
  for (const id of assoc.rivals ?? []) {
    if (id === top?.sessionId || !carts.has(id)) continue;
    if (candidates.some((c) => c.sessionId === id && c.prob >= plausible)) continue;
    const reason = `${draft.id}: may be theirs (${review ?? assoc.uncertain})`;
    carts.doubt(id, 0.5, reason);
    docked.push({ sessionId: id, reason, logPenalty: Math.log(0.5) });
  }
  const event: ShelfEvent = {
    id: draft.id,
    t0: draft.t0,
    t1: draft.t1,
    plates: draft.plates.map((p) => ({ plateId: p.plateId, deltaGrams: p.deltaGrams })),
    deltaGrams: draft.deltaGrams,
    hypotheses: inf.hypotheses.map(({ misplaced: _m, ...h }) => h),
    candidates,
    sessionId: review ? null : (top?.sessionId ?? null),
    ...(review ? { review } : {}),
  };
  // Held: the only doubt is whether the acting track still follows its session's shopper.
  const idDoubt = assoc.identityDoubt;
  // ... and the wrists alone would make the attribution certain.
  const onlyIdentity =
    reasons.length === 1 && assoc.uncertain !== undefined && (top?.prob ?? 0) >= cfg.carts.minAssociationProb;
  if (best && top && idDoubt && onlyIdentity && idDoubt.sessionId === top.sessionId)
    return {
      event,
      applied,
      hold: { event, trackId: idDoubt.trackId, sessionId: top.sessionId, rivals: assoc.rivals ?? [], docked },
    };
  return { event, applied };
}

/** Misplaced put-backs add foreign stock on the plate that got most of the weight; takes of it consume it. */
function trackForeign(
  draft: ShelfEventDraft,
  best: { sku: string; count: number; kind: 'take' | 'return'; misplaced: boolean },
  store: StoreModel,
  foreign: ForeignStock,
): void {
  const main = [...draft.plates].sort((a, b) => Math.abs(b.deltaGrams) - Math.abs(a.deltaGrams))[0];
  if (!main) return;
  if (best.kind === 'return' && best.misplaced) {
    const m = (foreign[main.plateId] ??= {});
    m[best.sku] = (m[best.sku] ?? 0) + best.count;
    return;
  }
  if (best.kind !== 'take') return;
  let left = best.count;
  for (const p of draft.plates) {
    if (store.plate(p.plateId)?.facing?.sku === best.sku) continue;
    const m = foreign[p.plateId];
    const have = m?.[best.sku] ?? 0;
    if (!m || have <= 0) continue;
    const used = Math.min(have, left);
    m[best.sku] = have - used;
    if (m[best.sku] === 0) delete m[best.sku];
    if (Object.keys(m).length === 0) delete foreign[p.plateId];
    left -= used;
    if (left <= 0) break;
  }
}
