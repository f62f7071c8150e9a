// Entry of a prepare worker thread: registers tsx in this thread (a worker does not inherit the
// parent's loader hooks) and then runs the TypeScript worker beside it.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
