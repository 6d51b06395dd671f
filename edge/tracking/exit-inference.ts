import type { GateConfig } from '../../core/store/schema.ts';
import { lastCrossing, type Side } from './gate-binding.ts';
import type { Track } from './track-manager.ts';

/**
 * Exits the door did not report. The cameras see past the exit line, so a bound track that walked
 * out through it and stays outside is a shopper who left, whether or not the door's beam said so: a
 * door that is unplugged, or drops a passage, must not keep a cart open for ever. The door's word
 * comes first: a crossing with an `out` passage at that gate near its time is the door's exit.
 */

/** An `out` passage this close (ms) to a crossing is the door reporting that exit. */
const DOOR_MATCH_MS = 3000;
/** After the crossing, the door has this long (ms) to report before the cameras' word is taken. */
const EXIT_WAIT_MS = 4000;
/** Crossings looked for in the last this long (ms) of a track's path (paths keep 12 s). */
const LOOK_BACK_MS = 10_000;

export interface SeenExit {
  track: Track;
  gate: GateConfig;
  /** When the track crossed the line (ms). */
  t: number;
}

/** When the track crossed `line` from the store side to the street since `since`, if it is still outside. */
function crossedOutAt(tr: Track, line: GateConfig['line'], inside: Side, since: number): number | undefined {
  return inside(tr.x, tr.y) ? undefined : lastCrossing(tr, line, since, inside);
}

/** What the watch keeps between steps (in the tracker's snapshot). */
export interface ExitWatchState {
  /** Recent `out` passages per exit gate (ms). */
  outs: Record<string, number[]>;
  /** Exits taken from the cameras, waiting for a late passage of the door to match them. */
  seen: Array<{ gateId: string; t: number }>;
}

const KEEP_MS = 30_000;

export class ExitWatch {
  state: ExitWatchState = { outs: {}, seen: [] };

  constructor(
    private readonly exits: GateConfig[],
    private readonly inside: Map<string, Side>,
  ) {}

  /**
   * An `out` passage of the door. False when it is the late report of an exit the cameras already
   * took: it must not end a second session.
   */
  onDoorOut(gateId: string, t: number): boolean {
    const i = this.state.seen.findIndex((x) => x.gateId === gateId && Math.abs(x.t - t) <= DOOR_MATCH_MS);
    if (i >= 0) {
      this.state.seen.splice(i, 1);
      return false;
    }
    (this.state.outs[gateId] ??= []).push(t);
    return true;
  }

  /**
   * Bound tracks that walked out through an exit line at least EXIT_WAIT_MS ago with no `out`
   * passage at that gate within DOOR_MATCH_MS of the crossing; each is remembered as taken.
   */
  unreported(tracks: Track[], now: number): SeenExit[] {
    const found: SeenExit[] = [];
    for (const gate of this.exits) {
      const side = this.inside.get(gate.id);
      if (!side) continue;
      const outs = this.state.outs[gate.id] ?? [];
      for (const track of tracks) {
        if (track.exited || track.sessionId === null) continue;
        const t = crossedOutAt(track, gate.line, side, now - LOOK_BACK_MS);
        if (t === undefined || now - t < EXIT_WAIT_MS) continue;
        if (outs.some((p) => Math.abs(p - t) <= DOOR_MATCH_MS)) continue;
        found.push({ track, gate, t });
        this.state.seen.push({ gateId: gate.id, t });
      }
    }
    for (const [id, ts] of Object.entries(this.state.outs))
      this.state.outs[id] = ts.filter((p) => now - p < KEEP_MS);
    this.state.seen = this.state.seen.filter((x) => now - x.t < KEEP_MS);
    return found.sort((a, b) => a.t - b.t);
  }
}
