import { WalkoutError } from '../../core/errors.ts';

/** Base of every gate-device error (entry scanner, door controller). */
export class GateError extends WalkoutError {}

/** A door-controller sentence that does not follow docs/gate-protocol.md; `field` names the bad field. */
export class GateProtocolError extends GateError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A door command got no reply within its timeout. */
export class GateCommandTimeoutError extends GateError {}

/** The door controller refused a command (busy, denied, bad arguments, unsupported). */
export class GateCommandError extends GateError {}

/** The port is not open (unplugged, or the driver is closed). */
export class GateDisconnectedError extends GateError {}
