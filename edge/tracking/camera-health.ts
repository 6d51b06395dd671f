import { createLogger } from '../../core/log.ts';
import type { CameraPoses, DeviceStatus } from '../../core/messages.ts';

const log = createLogger('edge.tracking');

/** A camera with no frame for this long is treated as down. */
export const CAMERA_SILENT_MS = 2000;

export interface CameraCounters {
  cameraBackwards: number;
  cameraDown: number;
}

/**
 * Which cameras are up: the last frame time per camera and what the devices host reported. Without
 * any camera up, association may only attribute what is unambiguous.
 */
export class CameraHealth {
  last: Record<string, number> = {};
  down: Record<string, boolean> = {};
  private readonly unknown = new Set<string>();

  constructor(private readonly c: CameraCounters) {}

  /** Records a frame; false when it must be dropped (its camera's clock went back). */
  accept(m: CameraPoses, known: boolean): boolean {
    // Counted by the track manager; log each unknown id once, a misconfigured camera sends 10 fps.
    if (!known && !this.unknown.has(m.cameraId)) {
      this.unknown.add(m.cameraId);
      log.warn({ cameraId: m.cameraId }, 'poses from a camera not in the store file ignored');
    }
    const prev = this.last[m.cameraId];
    if (prev !== undefined && m.t < prev) {
      // A camera's clock jumped back (reboot, NTP step): its frames would pull tracks back in time.
      if (this.c.cameraBackwards++ === 0)
        log.warn({ cameraId: m.cameraId, t: m.t, prev }, 'camera timestamp went backwards; frame dropped');
      return false;
    }
    this.last[m.cameraId] = m.t;
    this.down[m.cameraId] = false;
    return true;
  }

  onStatus(m: DeviceStatus): void {
    if (m.kind !== 'camera') return;
    const down = m.status === 'down';
    if (down && !this.down[m.deviceId]) {
      this.c.cameraDown++;
      log.warn({ cameraId: m.deviceId }, 'camera reported down');
    }
    this.down[m.deviceId] = down;
  }

  up(t: number): boolean {
    return Object.entries(this.last).some(([id, last]) => !this.down[id] && t - last < CAMERA_SILENT_MS);
  }
}
