import type { StoreModel } from '../../core/store/store-model.ts';
import type { AssociationResult, SessionInfo, SessionListener, Tracker } from '../../edge/tracking/index.ts';

/**
 * Test double of the Tracker interface for engine unit tests, independent of the real tracker's
 * accuracy: a scan opens a session, an `out` passage closes the oldest one, association is uniform
 * over the sessions present during the event and `uncertain` when more than one was.
 */
export class GateStubTracker implements Tracker {
  private open: SessionInfo[] = [];
  private gone: Array<SessionInfo & { exitedAt: number }> = [];
  private pendingExits: Array<{ t: number }> = [];
  private clock = 0;

  constructor(
    _store: StoreModel,
    private readonly listener: SessionListener,
  ) {}

  onGateScan(m: { t: number; token: string }): void {
    const s = { sessionId: `s-${m.token}`, token: m.token, enteredAt: m.t, members: 1 };
    this.open.push(s);
    this.listener.opened(s);
  }
  onGatePassage(m: { t: number; direction: 'in' | 'out' }): void {
    if (m.direction === 'out') this.pendingExits.push({ t: m.t });
  }
  onPoses(): void {}
  onDeviceStatus(): void {}
  advance(t: number): void {
    this.clock = t;
    while (this.pendingExits.length > 0 && (this.pendingExits[0]?.t ?? 0) <= t) {
      const e = this.pendingExits.shift() as { t: number };
      const s = this.open.shift();
      if (!s) continue;
      const done = { ...s, exitedAt: e.t };
      this.gone.push(done);
      this.listener.exited(done);
    }
  }
  associate(req: { t0: number; t1: number }): AssociationResult {
    const present = [
      ...this.gone.filter((s) => s.exitedAt >= req.t0 && s.enteredAt <= req.t1),
      ...this.open.filter((s) => s.enteredAt <= req.t1),
    ];
    const p = present.length > 0 ? 1 / present.length : 0;
    return {
      candidates: present.map((s) => ({ sessionId: s.sessionId, prob: p })),
      ...(present.length > 1 ? { uncertain: `${present.length} shoppers inside, no cameras` } : {}),
    };
  }
  openSessions(): SessionInfo[] {
    return [...this.open];
  }
  snapshot(t: number) {
    return { t, tracks: [] };
  }
  exportState(): unknown {
    return { open: this.open, gone: this.gone, pendingExits: this.pendingExits, clock: this.clock };
  }
  importState(state: unknown): void {
    const s = state as {
      open: SessionInfo[];
      gone: GateStubTracker['gone'];
      pendingExits: Array<{ t: number }>;
      clock: number;
    };
    this.open = s.open;
    this.gone = s.gone;
    this.pendingExits = s.pendingExits;
    this.clock = s.clock;
  }
}
