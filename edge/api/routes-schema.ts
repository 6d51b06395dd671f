import { z } from 'zod';

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** A reviewer's decision on one line; quantity 0 removes it; fromSku marks a changed product. */
export const ReviewLine = z.strictObject({
  sku: z.string().min(1).max(128),
  quantity: z.number().int().min(0).max(999),
  fromSku: z.string().min(1).max(128).optional(),
});

export const ReleaseBody = z.strictObject({
  reason: z.string().trim().min(3, { error: 'give a reason of at least 3 characters' }).max(1000),
  lines: z.array(ReviewLine).max(200),
});
export type ReleaseBody = z.infer<typeof ReleaseBody>;

export const SessionParams = z.strictObject({ id: z.string().min(1).max(128) });

/** The only thing a dashboard may send on the WebSocket. */
export const ClientWsMessage = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('ping') })]);
