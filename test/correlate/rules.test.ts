// The rule registry and the folder agree: every rule file registered, ids equal file names, one rule per API.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../correlate/rules/index.ts';

describe('correlation rules', () => {
  it('registers every rule file under its own name, once per copy API', () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'correlate', 'rules'))
      .filter((f) => f.endsWith('.ts') && !['index.ts', 'rule.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(RULES.map((r) => r.id).sort()).toEqual(files);
    expect(new Set(RULES.map((r) => r.api)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.kms.operations).not.toContain('DescribeKey');
      expect(r.windows.targetAfterS).toBeGreaterThanOrEqual(r.windows.pickWindowS);
    }
  });
});
