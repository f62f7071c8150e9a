// Type check and lint are part of the suite, so `npm test` fails on either.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = (name: string) => join('node_modules', '.bin', name);

describe('static checks', () => {
  it('type-checks with tsc (strict)', () => {
    const r = spawnSync(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes biome lint and format', () => {
    const r = spawnSync(bin('biome'), ['check', '.'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
