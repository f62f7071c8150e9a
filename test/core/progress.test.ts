// Progress draws only for a person at a terminal: never into a pipe or a log, never under --quiet.
import { describe, expect, it } from 'vitest';
import { progressWanted, silentProgress, terminalProgress } from '../../core/progress.ts';

describe('progress', () => {
  it('is wanted on a terminal, unless COPYTRAIL_QUIET is set', () => {
    expect(progressWanted({}, true)).toBe(true);
    expect(progressWanted({ COPYTRAIL_QUIET: '1' }, true)).toBe(false);
    expect(progressWanted({}, false)).toBe(false);
    expect(progressWanted({}, undefined)).toBe(false);
  });

  it('is silent when stderr is not a terminal (as under the test runner)', () => {
    expect(process.stderr.isTTY).toBeFalsy();
    expect(terminalProgress('ingest')).toBe(silentProgress);
  });
});
