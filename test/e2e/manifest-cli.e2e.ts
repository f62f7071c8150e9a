// The signing key as the executable handles it: `copytrail report` prints the signer on one line,
// keeps the key it made in a file of its own, and never prints the private key; `manifest key` shows
// the public half; a named key that cannot be read fails the report with exit 2. Each step starts
// the executable, so it runs here; test/reports/manifest.test.ts covers signing and verifying
// in-process.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { keyIdOf } from '../../reports/manifest-key.ts';
import { simulate } from '../../simulator/simulate.ts';
import { copytrail } from '../helpers.ts';

it('copytrail report prints the signer on one line, stores the key privately, and never prints the private key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-report-key-'));
  try {
    const logs = join(dir, 'logs');
    simulate({ out: logs, events: 300, days: 1, seed: 3, digests: false, start: '2026-03-01' });
    const db = join(dir, 's.duckdb');
    expect(copytrail(['--db', db, 'ingest', 'dir', logs]).code).toBe(0);
    const env = { COPYTRAIL_HOME: join(dir, 'home') };
    const runs = [1, 2].map(() =>
      copytrail(['--db', db, 'report', 'residency', '--format', 'json', '--out', join(dir, 'out')], env),
    );
    const pem = readFileSync(join(dir, 'home', 'signing-key.pem'), 'utf8');
    const key = { keyId: keyIdOf(createPublicKey(createPrivateKey(pem))) };
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`\n  signed by ed25519 ${key.keyId}\n`);
      expect(r.stdout + r.stderr).not.toMatch(/PRIVATE KEY/);
      const body = pem
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join('');
      expect(r.stdout + r.stderr).not.toContain(body);
    }
    const v = copytrail(['manifest', 'verify', join(dir, 'out'), '--key', key.keyId]);
    expect(v.code).toBe(0);
    // `manifest key` prints the same fingerprint and the public key to hand to a verifier
    const shown = copytrail(['manifest', 'key'], env);
    expect(shown.stdout).toContain(`ed25519 ${key.keyId} (local: ${join(dir, 'home', 'signing-key.pem')})`);
    expect(shown.stdout).toContain('-----BEGIN PUBLIC KEY-----');
    expect(shown.stdout).not.toContain('PRIVATE');
    // a signing key that is named but cannot be read is an input error: exit 2, naming it, and no
    // report is written
    const broken = join(dir, 'missing.pem');
    const bad = copytrail(
      ['--db', db, 'report', 'residency', '--format', 'json', '--out', join(dir, 'out2')],
      {
        ...env,
        COPYTRAIL_SIGNING_KEY: broken,
      },
    );
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain(`COPYTRAIL_SIGNING_KEY ${broken}: cannot read it`);
    expect(existsSync(join(dir, 'out2', 'residency.json'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
