import { WalkoutError } from '../core/errors.ts';

/** A model file is missing, corrupt or could not be fetched. */
export class ModelError extends WalkoutError {}
