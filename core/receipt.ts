import { z } from 'zod';

/**
 * Receipts: what the edge decides a session carried out, one JSON object per line in
 * `walkout replay --out receipts.ndjson`, and the body the outbox delivers to the cloud.
 * Every line explains itself through its evidence.
 */

const ms = z.number().finite().nonnegative();
const id = z.string().min(1).max(128);

export const Evidence = z.strictObject({
  eventId: id,
  /** take / return from the shelf; handover between members of one group; misplaced = returned to a wrong plate. */
  kind: z.enum(['take', 'return', 'misplaced-return', 'handover']),
  plates: z.array(id),
  t0: ms,
  t1: ms,
  deltaGrams: z.number().finite(),
  /** Signed change of this line's quantity caused by the event. */
  quantity: z.number().int(),
  hypothesisProb: z.number().min(0).max(1),
  associationProb: z.number().min(0).max(1),
});
export type Evidence = z.infer<typeof Evidence>;

export const ReceiptLine = z.strictObject({
  sku: id,
  quantity: z.number().int().positive(),
  evidence: z.array(Evidence),
});
export type ReceiptLine = z.infer<typeof ReceiptLine>;

export const Receipt = z.strictObject({
  version: z.literal(1),
  storeId: id,
  sessionId: id,
  /** The entry token scanned at the gate: the only link to the shopper the edge has. */
  token: z.string().min(1).max(2048),
  enteredAt: ms,
  exitedAt: ms,
  finalisedAt: ms,
  /** `charge`: settle automatically; `review`: a person decides before any charge. */
  status: z.enum(['charge', 'review']),
  confidence: z.number().min(0).max(1),
  reviewReasons: z.array(z.string()),
  lines: z.array(ReceiptLine),
});
export type Receipt = z.infer<typeof Receipt>;

// ---------- ground truth (simulator only; never reaches the edge) ----------

export const TruthSession = z.strictObject({
  truth: z.literal('session'),
  token: z.string().min(1),
  members: z.number().int().positive(),
  enteredAt: ms,
  exitedAt: ms,
});

export const TruthEvent = z.strictObject({
  truth: z.literal('event'),
  token: z.string().min(1),
  /** Which group member acted (0 for a single shopper). */
  member: z.number().int().nonnegative(),
  kind: z.enum(['take', 'return', 'misplaced-return', 'handover']),
  sku: id,
  count: z.number().int().positive(),
  t0: ms,
  t1: ms,
  /** Grams each plate changed by (negative for takes); empty for hand-overs. */
  plates: z.array(z.strictObject({ plateId: id, deltaGrams: z.number().finite() })),
  /** Hand-overs: the member receiving the item. */
  toMember: z.number().int().nonnegative().optional(),
});

export const TruthReceipt = z.strictObject({
  truth: z.literal('receipt'),
  token: z.string().min(1),
  lines: z.array(z.strictObject({ sku: id, quantity: z.number().int().positive() })),
});

export const Truth = z.discriminatedUnion('truth', [TruthSession, TruthEvent, TruthReceipt]);
export type Truth = z.infer<typeof Truth>;
export type TruthReceipt = z.infer<typeof TruthReceipt>;
export type TruthEvent = z.infer<typeof TruthEvent>;
export type TruthSession = z.infer<typeof TruthSession>;
