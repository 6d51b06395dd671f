import type { SessionInfo } from './index.ts';

/** A session as the gates see it: one scan, then one `in` passage per group member. */
export interface SessionRecord {
  sessionId: string;
  token: string;
  enteredAt: number;
  scanGate: string;
  /** `in` passages after the scan (group size); at least 1 is assumed. */
  passagesIn: number;
  /** When its `in` passages were (ms); absent in older snapshots. */
  passageTimes?: number[];
  /**
   * The door reported no passage after the scan, so one was assumed (see `assumePassages`); the
   * door's late report of it must not count a second member. Absent in older snapshots.
   */
  assumedIn?: boolean;
  /** Members that crossed the exit. */
  exitedMembers: number;
  exitedAt: number | null;
}

/** FNV-1a: short deterministic ids from inputs, so replays give byte-identical session ids. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

// Passages within this long after a scan belong to that scan's group.
const GROUP_WINDOW_MS = 15_000;
// A passage may be stamped this long (ms) before its scan: two devices, two clocks.
const BEFORE_SCAN_MS = 2000;
/**
 * How long (ms, store clock) a passage with no scan waits for one: scanner and door are separate
 * links, so the scan of the person who just walked through can arrive after the passage.
 */
const SCAN_WAIT_MS = 10_000;

/** A passage a new scan takes: one that waited, or one an earlier session (`from`) had taken. */
export interface ClaimedPassage {
  t: number;
  from?: string;
  /** The door's report of it reached the edge late. */
  late?: boolean;
}

/** An `in` passage that came before any scan it could belong to. */
export interface WaitingPassage {
  gateId: string;
  t: number;
  late?: boolean;
}

function inGroupWindow(s: SessionRecord, t: number): boolean {
  return t >= s.enteredAt - BEFORE_SCAN_MS && t - s.enteredAt <= GROUP_WINDOW_MS;
}

/** Entry scans, group passages and exits; knows nothing about cameras. */
export class SessionRegistry {
  sessions: SessionRecord[] = [];
  unscannedPassages = 0;
  waiting: WaitingPassage[] = [];

  /**
   * Opens the session of a scan (a re-scan of a token already inside is the same session) and
   * returns the passages it claims, its members already through the door: waiting ones, and those
   * after its time that an earlier scan took because this scan reached the edge after them (`from`:
   * that earlier session; each keeps its first passage, its own shopper's).
   */
  open(token: string, gateId: string, t: number): { session: SessionRecord; claimed: ClaimedPassage[] } {
    const existing = this.sessions.find((s) => s.token === token && s.exitedAt === null);
    if (existing) return { session: existing, claimed: [] };
    const rec: SessionRecord = {
      sessionId: `s-${fnv1a(`${token}@${t}`)}`,
      token,
      enteredAt: t,
      scanGate: gateId,
      passagesIn: 0,
      exitedMembers: 0,
      exitedAt: null,
    };
    const claimed: ClaimedPassage[] = [];
    this.waiting = this.waiting.filter((p) => {
      if (p.gateId !== gateId || !inGroupWindow(rec, p.t)) return true;
      claimed.push({ t: p.t, ...(p.late ? { late: true } : {}) });
      return false;
    });
    for (const s of this.sessions) {
      if (s.exitedAt !== null || s.scanGate !== gateId || s.enteredAt >= t) continue;
      const [own, ...rest] = [...(s.passageTimes ?? [])].sort((a, b) => a - b);
      const taken = rest.filter((p) => p > t && inGroupWindow(rec, p));
      if (own === undefined || taken.length === 0) continue;
      s.passageTimes = [own, ...rest.filter((p) => !taken.includes(p))];
      s.passagesIn -= taken.length;
      for (const p of taken) claimed.push({ t: p, from: s.sessionId });
    }
    this.sessions.push(rec);
    rec.passageTimes = claimed.map((c) => c.t).sort((a, b) => a - b);
    rec.passagesIn = claimed.length;
    return { session: rec, claimed };
  }

  /**
   * Counts an `in` passage towards the scan it belongs to (see the order below) and returns its
   * session, or `confirms` when it is the late report of the passage assumed for that scan.
   */
  passageIn(
    gateId: string,
    t: number,
    late = false,
  ): { session: SessionRecord; confirms: boolean } | undefined {
    const open = this.sessions.filter(
      (s) => s.exitedAt === null && s.scanGate === gateId && inGroupWindow(s, t),
    );
    const latest = (v: SessionRecord[]) =>
      v.reduce<SessionRecord | undefined>((b, s) => (!b || s.enteredAt > b.enteredAt ? s : b), undefined);
    // The scanner's own shopper comes first: the latest scan before the passage still waiting for
    // one (a passage that reaches the edge late may find the next scan already in), else a scan
    // stamped just after it (two clocks). Then a group member of the latest scan before it.
    const before = open.filter((s) => s.enteredAt <= t);
    const best =
      latest(before.filter((s) => s.passagesIn === 0)) ??
      open
        .filter((s) => s.enteredAt > t && s.passagesIn === 0)
        .sort((a, b) => a.enteredAt - b.enteredAt)[0] ??
      latest(before) ??
      latest(open);
    if (!best) {
      this.waiting.push({ gateId, t, ...(late ? { late: true } : {}) });
      return undefined;
    }
    if (best.assumedIn) {
      delete best.assumedIn;
      return { session: best, confirms: true };
    }
    best.passagesIn++;
    (best.passageTimes ??= []).push(t);
    return { session: best, confirms: false };
  }

  /**
   * Sessions scanned at least `afterMs` ago that no passage followed: the door missed it (a lost
   * message, a beam unplugged). Whoever scanned walked in; one member is assumed.
   */
  assumePassages(now: number, afterMs: number): SessionRecord[] {
    const assumed: SessionRecord[] = [];
    for (const s of this.sessions) {
      if (s.exitedAt !== null || s.passagesIn > 0 || now - s.enteredAt < afterMs) continue;
      s.passagesIn = 1;
      s.passageTimes = [s.enteredAt];
      s.assumedIn = true;
      assumed.push(s);
    }
    return assumed;
  }

  members(s: SessionRecord): number {
    return Math.max(1, s.passagesIn);
  }

  active(): SessionRecord[] {
    return this.sessions.filter((s) => s.exitedAt === null);
  }

  /** Sessions inside the store at some point of [t0, t1]. */
  presentDuring(t0: number, t1: number): SessionRecord[] {
    return this.sessions.filter((s) => s.enteredAt <= t1 && (s.exitedAt === null || s.exitedAt >= t0));
  }

  /** Records one member leaving; returns true when it was the session's last member. */
  memberExited(s: SessionRecord, t: number): boolean {
    s.exitedMembers++;
    if (s.exitedMembers >= this.members(s)) {
      s.exitedAt = t;
      return true;
    }
    return false;
  }

  /**
   * Forget sessions that left long ago (association never looks back further than `keepMs`); a
   * passage that waited in vain for its scan is counted as unscanned.
   */
  prune(t: number, keepMs: number): void {
    this.sessions = this.sessions.filter((s) => s.exitedAt === null || t - s.exitedAt < keepMs);
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((p) => t - p.t < SCAN_WAIT_MS);
    this.unscannedPassages += before - this.waiting.length;
  }

  info(s: SessionRecord): SessionInfo {
    return {
      sessionId: s.sessionId,
      token: s.token,
      enteredAt: s.enteredAt,
      members: this.members(s) - s.exitedMembers,
    };
  }
}
