import { WalkoutError } from '../../core/errors.ts';

/** The edge event store cannot be used (wrong source, corrupt snapshot, I/O). */
export class StorageError extends WalkoutError {}
