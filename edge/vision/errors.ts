import { WalkoutError } from '../../core/errors.ts';

/** Inference failed or a backend could not be set up. */
export class VisionError extends WalkoutError {}
