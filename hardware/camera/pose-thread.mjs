// Worker-thread entry: TypeScript loads through tsx here too (workers do not inherit the parent's hooks).
import { register } from 'tsx/esm/api';

register();
await import('./pose-thread-main.ts');
