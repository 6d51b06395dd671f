import { WalkoutError } from '../../core/errors.ts';

/** Base of every shelf-controller error. */
export class ShelfError extends WalkoutError {}

/** A frame whose payload does not follow docs/shelf-protocol.md; `field` names the bad field. */
export class ShelfProtocolError extends ShelfError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A command got no reply within its timeout. */
export class ShelfCommandTimeoutError extends ShelfError {}

/** The controller answered a command with a non-OK status. */
export class ShelfCommandError extends ShelfError {}

/** The port is not open (unplugged, or the driver is closed). */
export class ShelfDisconnectedError extends ShelfError {}
