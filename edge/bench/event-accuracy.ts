import type { ShelfEvent } from '../../core/messages.ts';
import type { TruthEvent } from '../../core/receipt.ts';

export interface EventAccuracy {
  /** True shelf interactions (hand-overs excluded: they never touch a shelf). */
  truth: number;
  /** Matched to a detected event whose best hypothesis has the true sku, count and direction. */
  correct: number;
  /** No detected event on those plates at that time. */
  missed: number;
  /** Detected events matching no true interaction. */
  extra: number;
  /** correct / truth: the "what" half alone, independent of who was charged. */
  accuracy: number;
}

/** Whether a detected event may be a true interaction: a plate in common, times within `marginMs`. */
export function sameInteraction(e: ShelfEvent, t: TruthEvent, marginMs: number): boolean {
  return (
    e.plates.some((p) => t.plates.some((q) => q.plateId === p.plateId)) &&
    e.t0 <= t.t1 + marginMs &&
    e.t1 >= t.t0 - marginMs
  );
}

/**
 * Scores the "what" half on its own: each true interaction is matched to the first unmatched
 * detected event sharing a plate and overlapping in time (±1.5 s). Used by the bench and the tests
 * so the figures of item inference are not hidden behind attribution errors.
 */
export function eventAccuracy(truth: TruthEvent[], events: ShelfEvent[]): EventAccuracy {
  const shelf = truth.filter((t) => t.kind !== 'handover');
  const used = new Set<number>();
  let correct = 0;
  let missed = 0;
  for (const t of shelf) {
    const i = events.findIndex((e, k) => !used.has(k) && sameInteraction(e, t, 1500));
    if (i < 0) {
      missed++;
      continue;
    }
    used.add(i);
    const h = (events[i] as ShelfEvent).hypotheses[0];
    const kind = t.kind === 'take' ? 'take' : 'return';
    if (h && h.sku === t.sku && h.count === t.count && h.kind === kind) correct++;
  }
  return {
    truth: shelf.length,
    correct,
    missed,
    extra: events.length - used.size,
    accuracy: shelf.length === 0 ? 1 : correct / shelf.length,
  };
}
