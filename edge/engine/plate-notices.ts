import { createLogger } from '../../core/log.ts';
import type { PlateNotice } from '../shelf-events/index.ts';
import type { EventStore } from '../storage/index.ts';
import type { Publish } from './index.ts';
import type { EngineCounters } from './metrics.ts';

const log = createLogger('edge.engine');

/**
 * A plate faulted or recovered: logged, recorded as a decision (carts touching it go to review with
 * the reason) and raised as an operator alert.
 */
export function reportPlateNotices(
  notices: PlateNotice[],
  to: { counters: Pick<EngineCounters, 'plateFaults'>; storage: EventStore | undefined; publish: Publish },
): void {
  for (const n of notices) {
    if (n.kind === 'fault') {
      to.counters.plateFaults++;
      log.warn({ plateId: n.plateId, reason: n.reason }, 'plate faulted');
      to.storage?.logDecision(`fault:${n.plateId}:${Math.round(n.t)}`, 'plate-fault', n);
      to.publish('edge.alert', {
        t: n.t,
        kind: 'sensor-fault',
        severity: 'warning',
        message: `plate ${n.plateId}: ${n.reason}`,
        ref: n.plateId,
      });
    } else {
      to.storage?.logDecision(`recovered:${n.plateId}:${Math.round(n.t)}`, 'plate-recovered', n);
      to.publish('edge.alert', {
        t: n.t,
        kind: 'sensor-fault',
        severity: 'info',
        message: `plate ${n.plateId} recovered`,
        ref: n.plateId,
      });
    }
  }
}
