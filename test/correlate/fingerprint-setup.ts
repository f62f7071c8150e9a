// A vitest setup file that fingerprints the store after every correlate() call of the test scenarios,
// keyed by test name and call number, into the NDJSON file FINGERPRINT_OUT. Not part of the suite:
// FINGERPRINT_OUT=/tmp/a.ndjson node node_modules/vitest/vitest.mjs run test/correlate \
//   --config test/correlate/fingerprint.config.ts
// then the same after a change, and compare the two files (sorted) line by line. With
// FINGERPRINT_ROWS=DIR the rows are written there too (fingerprint.ts).
import { appendFileSync } from 'node:fs';
import { expect, vi } from 'vitest';
import type { Store } from '../../queries/store.ts';
import { fingerprint } from './fingerprint.ts';

vi.mock('../../correlate/correlate.ts', async (original) => {
  const real = await original<typeof import('../../correlate/correlate.ts')>();
  const calls = new Map<string, number>();
  return {
    ...real,
    correlate: async (store: Store, signal?: AbortSignal) => {
      const summary = await real.correlate(store, signal);
      const out = process.env.FINGERPRINT_OUT;
      if (out) {
        const { testPath, currentTestName } = expect.getState();
        const test = `${testPath?.split('/test/').pop()} > ${currentTestName}`;
        const call = (calls.get(test) ?? 0) + 1;
        calls.set(test, call);
        const name = `${test.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 120)}.${call}`;
        appendFileSync(out, `${JSON.stringify({ test, call, ...(await fingerprint(store, name)) })}\n`);
      }
      return summary;
    },
  };
});
