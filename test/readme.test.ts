// The README has an example for every command (they are run, in order, from a fresh clone, by
// test/e2e/readme.e2e.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleLines } from './readme-examples.ts';

const ROOT = join(import.meta.dirname, '..');

describe('README examples', () => {
  it('has examples for every command', () => {
    const lines = exampleLines(ROOT);
    for (const cmd of [
      'demo',
      'simulate',
      'ingest dir',
      'verify',
      'correlate',
      'lineage',
      'report',
      'query',
      'schedule list',
      'schedule once',
      'schedule history',
      'export lineage',
      'export events',
      'completion',
      'manifest key',
      'manifest verify',
    ]) {
      expect(
        lines.some((l) => l.startsWith(`npx copytrail ${cmd}`)),
        cmd,
      ).toBe(true);
    }
  });
});
