/**
 * A hand does one thing at a time. When a shopper's track is the confident actor of one shelf event,
 * its wrists near another plate changing at the same moment are that reach seen from elsewhere (a
 * single camera's ray runs along the shelf through several plates), not a second interaction.
 * Measured on busy (4 seeds × 10 min): of the "two shoppers at the shelf" events where exactly one
 * of the two candidates was the confident actor of an overlapping event elsewhere on the gondola,
 * that one was the true actor in 1 of 19.
 */

/** The acting track of a decided shelf event. */
export interface Act {
  /** The event's plates and start: `<plate>+<plate>@<t0>`. */
  key: string;
  trackId: string;
  plates: string[];
  t0: number;
  t1: number;
}

/**
 * Winner probability from which an attribution makes its track busy (0.8 charged 2 more wrong events
 * in busy, 4 seeds × 10 min, for the same review; 0.95 as 0.9).
 */
const CONFIDENT = 0.9;
/**
 * Share of the shorter of two event windows they must overlap by: a hand moving on to the next plate
 * while the first still settles is not busy (0.75 gave the same receipts).
 */
const OVERLAP = 0.5;
/** Acts are kept this long (ms) after their event ended. */
const KEEP_MS = 30_000;

const actKey = (plates: readonly string[], t0: number) => `${plates.join('+')}@${t0}`;

export class BusyHands {
  acts: Act[] = [];

  /** Tracks that were acting at other plates for most of [t0, t1]. */
  busy(plates: readonly string[], t0: number, t1: number): Set<string> {
    const out = new Set<string>();
    for (const a of this.acts) {
      if (a.plates.some((p) => plates.includes(p))) continue;
      const overlap = Math.min(a.t1, t1) - Math.max(a.t0, t0);
      if (overlap > 0 && overlap >= OVERLAP * Math.min(a.t1 - a.t0, t1 - t0)) out.add(a.trackId);
    }
    return out;
  }

  /** Records (or withdraws, when not confident) the actor of the event at these plates and times. */
  note(plates: readonly string[], t0: number, t1: number, trackId: string | undefined, prob: number): void {
    const key = actKey(plates, t0);
    this.acts = this.acts.filter((a) => a.key !== key);
    if (trackId !== undefined && prob >= CONFIDENT)
      this.acts.push({ key, trackId, plates: [...plates], t0, t1 });
  }

  prune(clock: number): void {
    if (this.acts.some((a) => clock - a.t1 > KEEP_MS))
      this.acts = this.acts.filter((a) => clock - a.t1 <= KEEP_MS);
  }
}
