// Runs before every test file (vitest `setupFiles`). The fast suite's workers run file after file
// without loading modules again, so a hook registered when `helpers.ts` is first imported would
// only run in that first file: the temp folders and stores of every later file would be left
// behind. Registered here, the hook runs after each test of every file.
import { afterEach } from 'vitest';
import { runCleanups } from './helpers.ts';

afterEach(runCleanups);
