// Every `npx copytrail …` example in the README's Commands section runs, in order, and succeeds,
// so the documentation cannot drift from the tool.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, SHARED } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'copytrail.mjs');

function exampleLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Commands'))!;
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).filter((l) => l.startsWith('npx copytrail '));
}

/** Splits a shell line into words, honouring double quotes (enough for the README's examples). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const EXAMPLE_CONFIG = join(import.meta.dirname, '..', 'config.example.yaml');

describe('README examples', () => {
  it('has examples for every command', () => {
    const lines = exampleLines();
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
    ]) {
      expect(
        lines.some((l) => l.startsWith(`npx copytrail ${cmd}`)),
        cmd,
      ).toBe(true);
    }
  });

  it.runIf(HAVE_SHARED)('runs each example in order in a fresh folder', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'copytrail-readme-'));
    try {
      for (const line of exampleLines()) {
        const args = words(
          line
            .replaceAll('../shared/', `${SHARED}/`)
            .replaceAll(' config.example.yaml', ` ${EXAMPLE_CONFIG}`),
        ).slice(2);
        const r = spawnSync(process.execPath, [BIN, ...args], {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, COPYTRAIL_DB: join(cwd, 'readme.duckdb') },
          timeout: 120_000,
        });
        expect(r.status, `${line}\n${r.stderr}`).toBe(0);
        expect(r.stdout.length, line).toBeGreaterThan(0);
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
