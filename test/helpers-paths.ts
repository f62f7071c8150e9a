// Where the shared test data lives (../shared beside the project), for tests and the global setup.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(import.meta.dirname, '..', '..', 'shared');
export const REAL_DATA = join(SHARED, 'real-data');
export const SAMPLES = join(SHARED, 'reference', 'samples');
/** Always true in a run: the global setup stops the suite when the data is missing. */
export const HAVE_SHARED = existsSync(REAL_DATA) && existsSync(SAMPLES);
