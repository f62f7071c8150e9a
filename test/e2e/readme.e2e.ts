// The README as a new user meets it: a fresh clone of the committed project, its two commands
// (`npm ci && npm run demo`, then the examples of every command in order, in a fresh folder).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED } from '../helpers-paths.ts';
import { exampleLines, words } from '../readme-examples.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let work: string;
let clone: string;

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'copytrail-readme-'));
  clone = join(work, 'copytrail');
  const cloned = sh('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], work);
  expect(cloned.code, cloned.stderr).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README from a fresh clone', () => {
  it('the first command: npm ci && npm run demo', () => {
    const ci = sh('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone);
    expect(ci.code, ci.stderr).toBe(0);
    const demo = sh('npm', ['run', 'demo'], clone);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/events:\s+\d+ new/);
    const reports = readdirSync(join(clone, 'copytrail-out', 'reports'));
    for (const id of ['residency', 'dr_coverage']) {
      for (const ext of ['html', 'pdf', 'json', 'manifest.json']) expect(reports).toContain(`${id}.${ext}`);
    }
  });

  it('every example of the Commands section, in order, in a fresh folder', () => {
    expect(existsSync(join(clone, 'node_modules'))).toBe(true);
    const cwd = join(work, 'examples');
    sh('mkdir', ['-p', cwd], work);
    const bin = join(clone, 'bin', 'copytrail.mjs');
    for (const line of exampleLines(clone)) {
      const args = words(
        line
          .replaceAll('../shared/', `${SHARED}/`)
          .replaceAll(' config.example.yaml', ` ${join(clone, 'config.example.yaml')}`),
      ).slice(2);
      const r = sh(process.execPath, [bin, ...args], cwd, { COPYTRAIL_DB: join(cwd, 'readme.duckdb') });
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
      expect(r.stdout.length, line).toBeGreaterThan(0);
    }
  });
});
