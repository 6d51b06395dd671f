import { WalkoutError } from '../../core/errors.ts';

/** Base of every camera error. */
export class CameraError extends WalkoutError {}

/** The camera was closed while a caller waited for it. */
export class CameraClosedError extends CameraError {}

/** No frame arrived within a caller's deadline. */
export class CameraTimeoutError extends CameraError {}
