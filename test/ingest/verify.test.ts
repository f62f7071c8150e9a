// Digest-chain verification on a simulated, signed trail: the intact chain passes; a modified,
// deleted or inserted log file, a modified digest, a deleted digest and a re-signed broken chain
// are each detected and named.
import { spawnSync } from 'node:child_process';
import { createHash, createSign } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { ingestS3 } from '../../ingest/s3.ts';
import { parseRange } from '../../ingest/time-range.ts';
import { fetchPublicKeys, loadPublicKeys, type VerifyReport, verifyStore } from '../../ingest/verify.ts';
import {
  SIMULATOR_KEY_FINGERPRINT,
  SIMULATOR_PRIVATE_KEY,
  SIMULATOR_PUBLIC_KEY_DER,
} from '../../simulator/signing-key.ts';
import { simulate } from '../../simulator/simulate.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { startS3 } from '../s3-server.ts';

let master: string;
beforeAll(() => {
  master = mkdtempSync(join(tmpdir(), 'copytrail-verify-'));
  simulate({ out: master, events: 1500, days: 1, seed: 11 });
});
afterAll(() => rmSync(master, { recursive: true, force: true }));

function copyTrail(): string {
  const dir = tempDir('copytrail-verify-case-');
  cpSync(master, dir, { recursive: true });
  return dir;
}

function filesUnder(dir: string, part: string, suffix: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.includes(part) && f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

async function verifyDir(dir: string): Promise<VerifyReport> {
  const store = await memoryStore();
  await ingestDir(store, [dir]);
  return verifyStore(store, { keys: loadPublicKeys(join(dir, 'cloudtrail-public-key.pem')) });
}

const tampered = (r: VerifyReport) => r.findings.filter((f) => f.kind === 'tampered');

/** A log file listed in some digest, in a busy account-region so its neighbours exist. */
function someLogFile(dir: string): string {
  return filesUnder(dir, '/CloudTrail/us-east-1/', '.json.gz')[5]!;
}

/** The digests of one account-region chain, in order. */
function chain(dir: string): string[] {
  return filesUnder(dir, '351842270915/CloudTrail-Digest/us-east-1/', '.json.gz');
}

describe('verify', () => {
  it('passes an intact chain: every digest and every log file valid', async () => {
    const r = await verifyDir(copyTrail());
    expect(r.findings).toEqual([]);
    expect(r.tampered).toBe(0);
    expect(r.digests.invalid + r.digests.unchecked).toBe(0);
    // one digest per account x region x hour, through the last hour a late file landed in
    expect(r.digests.valid).toBe(filesUnder(master, 'CloudTrail-Digest', '.json.gz').length);
    expect(r.digests.valid % (6 * 8)).toBe(0);
    expect(r.logFiles.valid).toBeGreaterThan(500);
    expect(r.logFiles.invalid + r.logFiles.missing + r.logFiles.unchecked).toBe(0);
  });

  it('names a modified log file', async () => {
    const dir = copyTrail();
    const victim = someLogFile(dir);
    const body = JSON.parse(gunzipSync(readFileSync(victim)).toString());
    body.Records[0].sourceIPAddress = '203.0.113.66';
    writeFileSync(victim, gzipSync(JSON.stringify(body)));
    const r = await verifyDir(dir);
    expect(tampered(r)).toEqual([
      {
        kind: 'tampered',
        location: victim,
        reason: expect.stringMatching(/SHA-256 differs from .*CloudTrail-Digest.*: modified/),
      },
    ]);
  });

  it('names a deleted log file', async () => {
    const dir = copyTrail();
    const victim = someLogFile(dir);
    unlinkSync(victim);
    const r = await verifyDir(dir);
    expect(tampered(r)).toEqual([
      {
        kind: 'tampered',
        location: relative(dir, victim),
        reason: expect.stringMatching(/^listed in .* but not found: deleted\?$/),
      },
    ]);
  });

  it('names an extra file that no digest lists', async () => {
    const dir = copyTrail();
    const neighbour = someLogFile(dir);
    const extra = neighbour.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, '_ZZZZZZZZZZZZZZZZ.json.gz');
    const body = JSON.parse(gunzipSync(readFileSync(neighbour)).toString());
    body.Records = body.Records.map((r: Record<string, unknown>, i: number) => ({
      ...r,
      eventID: `99999999-0000-4000-8000-${String(i).padStart(12, '0')}`,
    }));
    writeFileSync(extra, gzipSync(JSON.stringify(body)));
    const r = await verifyDir(dir);
    expect(tampered(r)).toEqual([
      {
        kind: 'tampered',
        location: extra,
        reason: 'not listed in the digest for its delivery hour: inserted?',
      },
    ]);
  });

  it('names a modified digest (its signature fails; the next digest no longer chains to it)', async () => {
    const dir = copyTrail();
    const digests = chain(dir);
    const victim = digests[3]!;
    const body = JSON.parse(gunzipSync(readFileSync(victim)).toString());
    body.newestEventTime = '2026-03-01T00:00:00Z';
    writeFileSync(victim, gzipSync(JSON.stringify(body)));
    const r = await verifyDir(dir);
    const names = tampered(r).map((f) => [f.location, f.reason]);
    expect(names).toContainEqual([relative(dir, victim), expect.stringMatching(/signature does not match/)]);
    expect(names).toContainEqual([
      relative(dir, digests[4]!),
      expect.stringMatching(/chain broken: previousDigestHashValue does not match/),
    ]);
  });

  it('names a deleted digest as a gap, and a re-signed digest whose chain link was rewritten', async () => {
    const dir = copyTrail();
    const digests = chain(dir);
    unlinkSync(digests[2]!);
    unlinkSync(`${digests[2]}.sig`);
    // an attacker holding the key rewrites the link of a later digest and signs it again
    const victim = digests[10]!;
    const body = JSON.parse(gunzipSync(readFileSync(victim)).toString());
    body.previousDigestSignature = 'ab'.repeat(256);
    const text = JSON.stringify(body);
    const hash = createHash('sha256').update(text).digest('hex');
    const sig = createSign('RSA-SHA256')
      .update(
        `${body.digestEndTime}\n${body.digestS3Bucket}/${body.digestS3Object}\n${hash}\n${body.previousDigestSignature}`,
      )
      .sign(SIMULATOR_PRIVATE_KEY)
      .toString('hex');
    writeFileSync(victim, gzipSync(text));
    writeFileSync(`${victim}.sig`, sig);
    const r = await verifyDir(dir);
    expect(r.findings).toContainEqual({
      kind: 'missing',
      location: relative(dir, digests[2]!),
      reason: expect.stringMatching(/was not ingested \(gap in the chain\)/),
    });
    // the rewritten digest, and the next one, whose link to it no longer holds
    expect(tampered(r)).toEqual([
      {
        kind: 'tampered',
        location: relative(dir, victim),
        reason: expect.stringMatching(/^chain broken: previousDigestSignature does not match [^;]*$/),
      },
      {
        kind: 'tampered',
        location: relative(dir, digests[11]!),
        reason: expect.stringMatching(
          /previousDigestSignature does not match .*; chain broken: previousDigestHashValue/,
        ),
      },
    ]);
    // the hour of the deleted digest can no longer be vouched for: missing, not tampered
    expect(
      r.findings.some((f) => f.kind === 'missing' && f.reason === 'no digest covers its delivery hour'),
    ).toBe(true);
  });

  it('reports a digest without a signature or key as unverifiable, not as valid', async () => {
    const dir = copyTrail();
    unlinkSync(`${chain(dir)[0]}.sig`);
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const r = await verifyStore(store, { keys: loadPublicKeys(join(dir, 'cloudtrail-public-key.pem')) });
    expect(r.findings).toEqual([
      {
        kind: 'unverifiable',
        location: expect.stringContaining('CloudTrail-Digest'),
        reason: expect.stringMatching(/^no signature/),
      },
    ]);
    const noKeys = await verifyStore(store, { keys: new Map() });
    expect(noKeys.digests.valid).toBe(0);
    expect(noKeys.findings.every((f) => f.kind === 'unverifiable')).toBe(true);
  });

  it('fetches the public key by fingerprint with ListPublicKeys when no key file is given', async () => {
    const ct = mockClient(CloudTrailClient);
    try {
      ct.on(ListPublicKeysCommand).resolves({
        PublicKeyList: [
          {
            Value: new Uint8Array(SIMULATOR_PUBLIC_KEY_DER),
            Fingerprint: SIMULATOR_KEY_FINGERPRINT,
            ValidityStartTime: new Date('2026-01-01'),
            ValidityEndTime: new Date('2027-01-01'),
          },
        ],
      });
      const store = await memoryStore();
      await ingestDir(store, [master]);
      const r = await verifyStore(store, {
        fetchKeys: (s, e) => fetchPublicKeys(new CloudTrailClient({ region: 'us-east-1' }), s, e),
      });
      expect(r.tampered).toBe(0);
      expect(r.digests.unchecked).toBe(0);
      const call = ct.commandCalls(ListPublicKeysCommand)[0]!.args[0].input;
      expect(call.StartTime!.toISOString().slice(0, 10)).toBe('2026-03-01');
    } finally {
      ct.restore();
    }
  });

  it('verifies a trail read over S3, with signatures from object metadata; the CLI exits 1 on tampering', async () => {
    const s3 = await startS3('sim-trail');
    try {
      const dir = copyTrail();
      const keys = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json.gz'));
      for (const k of keys) {
        const sig = k.includes('CloudTrail-Digest')
          ? { signature: readFileSync(join(dir, `${k}.sig`), 'utf8') }
          : undefined;
        await s3.put('sim-trail', k, readFileSync(join(dir, k)), sig);
      }
      const store = await memoryStore();
      const r = await ingestS3(store, s3.client, {
        bucket: 'sim-trail',
        range: parseRange('2026-03-01', '2026-03-04'),
        spoolDir: tempDir(),
      });
      expect(r.digests).toBe(filesUnder(dir, 'CloudTrail-Digest', '.json.gz').length);
      const v = await verifyStore(store, { keys: loadPublicKeys(join(dir, 'cloudtrail-public-key.pem')) });
      expect(v.findings).toEqual([]);

      const victim = someLogFile(dir);
      writeFileSync(victim, gzipSync('{"Records":[]}'));
      const db = join(dir, 'cli.duckdb');
      const cli = spawnSync(
        process.execPath,
        [
          join(import.meta.dirname, '..', '..', 'bin', 'copytrail.mjs'),
          '--db',
          db,
          'ingest',
          'dir',
          dir,
          '--verify',
          '--public-keys',
          join(dir, 'cloudtrail-public-key.pem'),
        ],
        { encoding: 'utf8' },
      );
      expect(cli.status).toBe(1);
      expect(cli.stdout).toContain(`${victim}: SHA-256 differs`);
      expect(cli.stdout).toMatch(/TAMPERING FOUND: 1 problem/);
    } finally {
      await s3.stop();
    }
  });
});
