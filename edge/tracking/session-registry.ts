import type { SessionInfo } from './index.ts';

/** A session as the gates see it: one scan, then one `in` passage per group member. */
export interface SessionRecord {
  sessionId: string;
  token: string;
  enteredAt: number;
  scanGate: string;
  /** `in` passages after the scan (group size); at least 1 is assumed. */
  passagesIn: number;
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

/** Entry scans, group passages and exits; knows nothing about cameras. */
export class SessionRegistry {
  sessions: SessionRecord[] = [];
  unscannedPassages = 0;

  open(token: string, gateId: string, t: number): SessionRecord {
    const existing = this.sessions.find((s) => s.token === token && s.exitedAt === null);
    // A re-scan of a token already inside (shopper scanned twice) is the same session.
    if (existing) return existing;
    const rec: SessionRecord = {
      sessionId: `s-${fnv1a(`${token}@${t}`)}`,
      token,
      enteredAt: t,
      scanGate: gateId,
      passagesIn: 0,
      exitedMembers: 0,
      exitedAt: null,
    };
    this.sessions.push(rec);
    return rec;
  }

  /** Counts an `in` passage towards the most recent scan at that gate; returns its session. */
  passageIn(gateId: string, t: number): SessionRecord | undefined {
    let best: SessionRecord | undefined;
    for (const s of this.sessions) {
      if (s.exitedAt !== null || s.scanGate !== gateId) continue;
      if (t < s.enteredAt - 2000 || t - s.enteredAt > GROUP_WINDOW_MS) continue;
      if (!best || s.enteredAt > best.enteredAt) best = s;
    }
    if (best) best.passagesIn++;
    else this.unscannedPassages++;
    return best;
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

  /** Forget sessions that left long ago; association never looks back further than this. */
  prune(t: number, keepMs: number): void {
    this.sessions = this.sessions.filter((s) => s.exitedAt === null || t - s.exitedAt < keepMs);
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
