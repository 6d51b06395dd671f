import type { Evidence, Receipt } from '../../core/receipt.ts';

export interface CartLineState {
  sku: string;
  quantity: number;
  evidence: Evidence[];
}

/** Plain-JSON cart state (snapshotted for crash recovery). */
export interface CartState {
  sessionId: string;
  token: string;
  enteredAt: number;
  members: number;
  exitedAt: number | null;
  lines: CartLineState[];
  reasons: string[];
  /** Sum of log(hypothesis prob × association prob) and log(1 - p) for events possibly theirs. */
  logConfidence: number;
}

export interface CartApply {
  sessionId: string;
  sku: string;
  /** Signed quantity change: + for takes, - for put-backs. */
  quantity: number;
  evidence: Omit<Evidence, 'quantity'>;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export class CartBook {
  private carts = new Map<string, CartState>();

  open(s: { sessionId: string; token: string; enteredAt: number; members: number }): void {
    if (this.carts.has(s.sessionId)) return;
    this.carts.set(s.sessionId, {
      sessionId: s.sessionId,
      token: s.token,
      enteredAt: s.enteredAt,
      members: s.members,
      exitedAt: null,
      lines: [],
      reasons: [],
      logConfidence: 0,
    });
  }

  get(sessionId: string): CartState | undefined {
    return this.carts.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.carts.has(sessionId);
  }

  ids(): string[] {
    return [...this.carts.keys()];
  }

  exited(sessionId: string, t: number, members?: number): void {
    const c = this.carts.get(sessionId);
    if (!c) return;
    if (c.exitedAt === null) c.exitedAt = t;
    if (members !== undefined) c.members = Math.max(c.members, members);
  }

  /** What the cart holds now: sku → units. */
  items(sessionId: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const l of this.carts.get(sessionId)?.lines ?? []) if (l.quantity > 0) out.set(l.sku, l.quantity);
    return out;
  }

  /** What all carts together hold: sku → units. */
  allItems(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.carts.values())
      for (const l of c.lines) if (l.quantity > 0) out.set(l.sku, (out.get(l.sku) ?? 0) + l.quantity);
    return out;
  }

  /**
   * Applies one attributed event. A put-back of more than the cart holds is clamped at zero and noted
   * as a review reason: the shopper cannot return what we never saw them take.
   */
  apply(a: CartApply): void {
    const c = this.carts.get(a.sessionId);
    if (!c) return;
    let line = c.lines.find((l) => l.sku === a.sku);
    if (!line) {
      line = { sku: a.sku, quantity: 0, evidence: [] };
      c.lines.push(line);
    }
    let q = a.quantity;
    if (line.quantity + q < 0) {
      c.reasons.push(`${a.evidence.eventId}: put back ${-q} × ${a.sku} but the cart held ${line.quantity}`);
      q = -line.quantity;
    }
    line.quantity += q;
    line.evidence.push({ ...a.evidence, quantity: q });
    c.logConfidence += Math.log(Math.max(1e-9, a.evidence.hypothesisProb * a.evidence.associationProb));
  }

  /** An event that may be this session's but was attributed elsewhere (or nowhere). */
  doubt(sessionId: string, prob: number, reason?: string): void {
    const c = this.carts.get(sessionId);
    if (!c) return;
    c.logConfidence += Math.log(Math.max(1e-9, 1 - prob));
    if (reason && !c.reasons.includes(reason)) c.reasons.push(reason);
  }

  /**
   * Takes back a doubt an event put on this cart once it is settled: the review reason goes and the
   * confidence it cost (`logPenalty`, as docked) comes back; the event's line, if the cart has one,
   * gets its association probability as it would have been without the doubt.
   */
  undoDoubt(
    sessionId: string,
    d: { reason: string; logPenalty: number; eventId?: string; associationProb?: number },
  ): void {
    const c = this.carts.get(sessionId);
    if (!c) return;
    c.reasons = c.reasons.filter((r) => r !== d.reason);
    c.logConfidence -= d.logPenalty;
    if (d.eventId === undefined || d.associationProb === undefined) return;
    for (const l of c.lines)
      for (const ev of l.evidence) if (ev.eventId === d.eventId) ev.associationProb = d.associationProb;
  }

  addReason(sessionId: string, reason: string): void {
    const c = this.carts.get(sessionId);
    if (c && !c.reasons.includes(reason)) c.reasons.push(reason);
  }

  confidence(sessionId: string): number {
    const c = this.carts.get(sessionId);
    return c ? round6(Math.exp(c.logConfidence)) : 0;
  }

  /** Builds the receipt and forgets the cart. */
  finalise(sessionId: string, storeId: string, t: number, reviewThreshold: number): Receipt | undefined {
    const c = this.carts.get(sessionId);
    if (!c) return undefined;
    this.carts.delete(sessionId);
    const confidence = round6(Math.exp(c.logConfidence));
    const reasons = [...c.reasons];
    if (confidence < reviewThreshold)
      reasons.push(`confidence ${confidence.toFixed(3)} below threshold ${reviewThreshold}`);
    return {
      version: 1,
      storeId,
      sessionId: c.sessionId,
      token: c.token,
      enteredAt: c.enteredAt,
      exitedAt: c.exitedAt ?? t,
      finalisedAt: t,
      status: reasons.length > 0 ? 'review' : 'charge',
      confidence,
      reviewReasons: reasons,
      lines: c.lines
        .filter((l) => l.quantity > 0)
        .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
        .map((l) => ({ sku: l.sku, quantity: l.quantity, evidence: l.evidence })),
    };
  }

  exportState(): CartState[] {
    return structuredClone([...this.carts.values()]);
  }

  importState(state: CartState[]): void {
    this.carts = new Map(structuredClone(state).map((c) => [c.sessionId, c]));
  }
}
