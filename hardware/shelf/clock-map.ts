/**
 * Maps a controller's millisecond clock onto the store clock. Each frame gives one observation
 * `host arrival - device time` = true offset + transport delay (≥ 0), so the minimum over a sliding
 * window is the best offset estimate (minimum-delay filter) and follows slow drift. When the device
 * clock jumps (reboot, resync, 32-bit wrap), device and host elapsed times disagree by more than
 * `jumpToleranceMs`: the window is discarded and estimation restarts, so no sample is mapped with a
 * stale offset. Output never goes backwards and never lies in the future of the arrival time.
 *
 * Host elapsed time is a poor jump detector: a host stall (GC, CPU contention) delivers a burst of
 * delayed frames that looks like the device clock falling behind. When the caller knows how far the
 * device clock should have advanced (sequence delta × sample period), that is used instead, so a
 * stall is not mistaken for a jump and the offset estimate survives it.
 */
export class ClockMap {
  private window: number[] = [];
  private lastDevice: number | undefined;
  private lastHost = 0;
  private lastOut = Number.NEGATIVE_INFINITY;
  jumps = 0;

  constructor(
    private readonly windowSize = 600,
    private readonly jumpToleranceMs = 500,
  ) {}

  /** Store time of a sample stamped `deviceMs` that arrived at `hostMs`. */
  map(deviceMs: number, hostMs: number, expectedDeviceDeltaMs?: number): number {
    if (this.lastDevice !== undefined) {
      const expected = expectedDeviceDeltaMs ?? hostMs - this.lastHost;
      const drift = deviceMs - this.lastDevice - expected;
      if (Math.abs(drift) > this.jumpToleranceMs) {
        this.window = [];
        this.jumps++;
      }
    }
    this.lastDevice = deviceMs;
    this.lastHost = hostMs;
    this.window.push(hostMs - deviceMs);
    if (this.window.length > this.windowSize) this.window.shift();
    let offset = Number.POSITIVE_INFINITY;
    for (const o of this.window) if (o < offset) offset = o;
    const t = Math.min(hostMs, Math.max(this.lastOut, deviceMs + offset));
    this.lastOut = t;
    return t;
  }

  /** Forget the device clock (after a reconnect the controller may have rebooted). */
  reset(): void {
    this.window = [];
    this.lastDevice = undefined;
  }
}
