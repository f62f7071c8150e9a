// Which keys verify trusts: ListPublicKeys answers from each digest's own Region inside their validity
// windows, saved ListPublicKeys answers with their windows, PEM keys for any time, nothing else; and
// signatures read from S3 object metadata. A small signed trail (three Regions, four hours) is enough.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../core/time.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { ingestS3 } from '../../ingest/s3.ts';
import {
  listPublicKeysPerRegion,
  loadPublicKeys,
  type VerifyOptions,
  type VerifyReport,
  verifyStore,
} from '../../ingest/verify.ts';
import type { Store } from '../../queries/store.ts';
import { ORG_ID } from '../../simulator/org.ts';
import { SIMULATOR_KEY_FINGERPRINT, SIMULATOR_PUBLIC_KEY_DER } from '../../simulator/signing-key.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { startS3 } from '../s3-server.ts';
import {
  MICRO_ACCOUNT as ACCOUNT,
  attackerSigner,
  MICRO_HOURS as HOURS,
  microTrail,
  MICRO_REGIONS as REGIONS,
  readDigest,
  MICRO_START as START,
  TRUSTED,
  writeDigest,
} from './verify-trail.ts';

let trail: string;
let pem: string;
const HOUR = 3_600_000;

const digestFiles = (region: string) =>
  (
    readdirSync(join(trail, 'AWSLogs', ORG_ID, ACCOUNT, 'CloudTrail-Digest', region), {
      recursive: true,
    }) as string[]
  )
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .map((f) => join(trail, 'AWSLogs', ORG_ID, ACCOUNT, 'CloudTrail-Digest', region, f));

beforeAll(() => {
  trail = mkdtempSync(join(tmpdir(), 'copytrail-verify-keys-'));
  microTrail(trail);
  pem = join(trail, 'cloudtrail-public-key.pem');
});
afterAll(() => rmSync(trail, { recursive: true, force: true }));

async function ingested(): Promise<Store> {
  const store = await memoryStore();
  await ingestDir(store, [trail]);
  return store;
}

interface Stored {
  region: string;
  kind: string;
  status: string;
  reason: string | null;
}
async function stored(store: Store): Promise<Stored[]> {
  const { rows } = await store.userQuery(
    "select regexp_extract(location, '/(CloudTrail(?:-Digest)?)/([a-z0-9-]+)/', 2) as region, kind, digest_status as status, digest_reason as reason from ingested_files",
  );
  return rows.map((r) => ({
    region: String(r.region),
    kind: String(r.kind),
    status: String(r.status),
    reason: r.reason as string | null,
  }));
}
const inRegion = (rows: Stored[], region: string) => rows.filter((r) => r.region === region);

async function verify(opts: VerifyOptions): Promise<{ report: VerifyReport; rows: Stored[] }> {
  const store = await ingested();
  const report = await verifyStore(store, opts);
  return { report, rows: await stored(store) };
}

const key = (from: string, to: string, fingerprint = SIMULATOR_KEY_FINGERPRINT) => ({
  Value: new Uint8Array(SIMULATOR_PUBLIC_KEY_DER),
  Fingerprint: fingerprint,
  ValidityStartTime: new Date(from),
  ValidityEndTime: new Date(to),
});

describe('verify: keys from ListPublicKeys', () => {
  const ct = mockClient(CloudTrailClient);
  afterEach(() => ct.reset());
  afterAll(() => ct.restore());

  it('asks each digest Region for its own keys and trusts a key only inside its validity window', async () => {
    const calls: { region: string; start: Date; end: Date }[] = [];
    ct.on(ListPublicKeysCommand).callsFake(async (input, getClient) => {
      const region = await getClient().config.region();
      calls.push({ region, start: input.StartTime, end: input.EndTime });
      // eu-west-1's key was retired before this trail was signed; a newer key has another fingerprint
      if (region === 'eu-west-1')
        return {
          PublicKeyList: [
            key('2025-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
            key('2026-02-01T00:00:00Z', '2027-01-01T00:00:00Z', 'ffffffffffffffffffffffffffffffff'),
          ],
        };
      return { PublicKeyList: [key('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')] };
    });
    const { report, rows } = await verify({ fetchKeys: listPublicKeysPerRegion() });

    expect(calls.map((c) => c.region).sort()).toEqual([...REGIONS].sort());
    for (const c of calls) {
      expect(c.start.toISOString()).toBe('2026-03-01T00:00:00.000Z');
      expect(c.end.toISOString()).toBe(new Date(START + HOURS * HOUR).toISOString());
    }
    for (const region of ['us-east-1', 'ap-southeast-2']) {
      expect(inRegion(rows, region).every((r) => r.status === 'valid')).toBe(true);
      expect(inRegion(rows, region)).toHaveLength(HOURS * 2);
    }
    const eu = inRegion(rows, 'eu-west-1');
    expect(eu.filter((r) => r.kind === 'digest')).toEqual(
      Array(HOURS).fill({
        region: 'eu-west-1',
        kind: 'digest',
        status: 'unverified',
        reason: expect.stringMatching(
          /^signed with key [0-9a-f]{32} is not valid at 2026-03-01T0\d:00:00Z \(ListPublicKeys in eu-west-1: valid 2025-01-01T00:00:00Z to 2026-02-01T00:00:00Z\)/,
        ),
      }),
    );
    expect(eu.filter((r) => r.kind === 'log').every((r) => r.status === 'unverified')).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.logFiles).toEqual({ valid: HOURS * 2, tampered: 0, unverified: HOURS });
  });

  it('a Region whose ListPublicKeys fails leaves its digests unverified, naming the failure', async () => {
    ct.on(ListPublicKeysCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === 'ap-southeast-2')
        throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
      return { PublicKeyList: [key('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')] };
    });
    const { report, rows } = await verify({ fetchKeys: listPublicKeysPerRegion() });
    const ap = inRegion(rows, 'ap-southeast-2').filter((r) => r.kind === 'digest');
    expect(
      ap.every((r) => /ListPublicKeys in ap-southeast-2 failed: User is not authorized/.test(r.reason!)),
    ).toBe(true);
    expect(inRegion(rows, 'us-east-1').every((r) => r.status === 'valid')).toBe(true);
    expect(report.ok).toBe(false);
  });

  it('refuses to run when no Region answers, and says how to verify offline', async () => {
    ct.on(ListPublicKeysCommand).rejects(new Error('Could not load credentials from any providers'));
    const store = await ingested();
    await expect(verifyStore(store, { fetchKeys: listPublicKeysPerRegion() })).rejects.toThrow(
      /cannot fetch CloudTrail public keys \(ListPublicKeys\) in any of .*pass --public-keys FILE/,
    );
  });
});

describe('verify: keys from a file', () => {
  const saved = (from: string | number, to: string | number) => {
    const file = join(tempDir(), 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        PublicKeyList: [
          {
            Value: SIMULATOR_PUBLIC_KEY_DER.toString('base64'),
            ValidityStartTime: from,
            ValidityEndTime: to,
            Fingerprint: SIMULATOR_KEY_FINGERPRINT,
          },
        ],
      }),
    );
    return file;
  };

  it('a PEM key is trusted at any time: the intact trail verifies', async () => {
    const { report } = await verify({ keys: loadPublicKeys(pem) });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('a saved ListPublicKeys answer is trusted inside the validity times it states', async () => {
    const inside = await verify({
      keys: loadPublicKeys(saved('2026-01-01T00:00:00+00:00', '2027-01-01T00:00:00+00:00')),
    });
    expect(inside.report.ok).toBe(true);
    // epoch seconds, as the CLI prints with another timestamp format
    const epoch = await verify({ keys: loadPublicKeys(saved(1767225600, 1798761600)) });
    expect(epoch.report.ok).toBe(true);
    const before = await verify({
      keys: loadPublicKeys(saved('2025-01-01T00:00:00Z', '2026-03-01T02:30:00Z')),
    });
    expect(before.report.digests).toEqual({ valid: 2 * 3, invalid: 0, unverified: 2 * 3, unreadable: 0 });
    expect(
      before.rows
        .filter((r) => r.kind === 'digest' && r.status === 'unverified')
        .every((r) =>
          /^signed with key [0-9a-f]{32} is not valid at 2026-03-01T0[34]:00:00Z/.test(r.reason!),
        ),
    ).toBe(true);
  });

  it('a key nobody trusts verifies nothing: every digest and file unverified, none called tampered', async () => {
    const stranger = join(tempDir(), 'stranger.pem');
    writeFileSync(stranger, attackerSigner().publicPem);
    const { report, rows } = await verify({ keys: loadPublicKeys(stranger) });
    expect(report.logFiles).toEqual({ valid: 0, tampered: 0, unverified: HOURS * 3 });
    expect(
      rows
        .filter((r) => r.kind === 'digest')
        .every((r) => /is unknown: not among the trusted keys/.test(r.reason!)),
    ).toBe(true);
    expect(report.ok).toBe(false);
  });

  it('a PEM key vouches by its material, even for a digest that names another fingerprint', async () => {
    const last = digestFiles('us-east-1').at(-1)!;
    const original = readFileSync(last);
    const originalSig = readFileSync(`${last}.sig`);
    try {
      const body = readDigest(last);
      body.digestPublicKeyFingerprint = '0123456789abcdef0123456789abcdef';
      writeDigest(last, body, TRUSTED);
      const { rows } = await verify({ keys: loadPublicKeys(pem) });
      const us = inRegion(rows, 'us-east-1');
      expect(us.every((r) => r.status === 'valid')).toBe(true);
      expect(us.filter((r) => /although it names/.test(r.reason ?? '')).map((r) => r.reason)).toEqual([
        expect.stringMatching(/^verified with trusted key [0-9a-f]{32} .*although it names 0123456789abcdef/),
      ]);
    } finally {
      writeFileSync(last, original);
      writeFileSync(`${last}.sig`, originalSig);
    }
  });

  it('a key file that holds no key is refused', () => {
    const file = join(tempDir(), 'empty.json');
    writeFileSync(file, '{"PublicKeyList": [{"Value": 5}]}');
    expect(() => loadPublicKeys(file)).toThrow(/not a saved ListPublicKeys answer/);
    writeFileSync(file, 'nothing here');
    expect(() => loadPublicKeys(file)).toThrow(/no public keys found/);
  });
});

describe('verify: a trail read over S3', () => {
  it('takes signatures from object metadata; a missing one is vouched for by the successor, unless it is the last', async () => {
    const s3 = await startS3('micro-trail');
    try {
      const eu = digestFiles('eu-west-1');
      const unsigned = new Set([eu[1]!, digestFiles('ap-southeast-2').at(-1)!]);
      for (const f of readdirSync(trail, { recursive: true }) as string[]) {
        if (!f.endsWith('.json.gz')) continue;
        const full = join(trail, f);
        const meta =
          f.includes('CloudTrail-Digest') && !unsigned.has(full)
            ? { signature: readFileSync(`${full}.sig`, 'utf8'), 'signature-algorithm': 'SHA256withRSA' }
            : undefined;
        await s3.put('micro-trail', f, readFileSync(full), meta);
      }
      const store = await memoryStore();
      await ingestS3(store, s3.client, {
        bucket: 'micro-trail',
        range: parseRange('2026-03-01', '2026-03-02'),
        spoolDir: tempDir(),
      });
      const report = await verifyStore(store, { keys: loadPublicKeys(pem), sources: ['s3'] });
      const rows = await stored(store);
      expect(rows.filter((r) => r.status === 'valid')).toHaveLength(HOURS * 6 - 2);
      const failing = rows.filter((r) => r.status !== 'valid').sort((x, y) => x.kind.localeCompare(y.kind));
      expect(failing).toEqual([
        {
          region: 'ap-southeast-2',
          kind: 'digest',
          status: 'unverified',
          reason: expect.stringMatching(/^unsigned: .*last digest of its chain/),
        },
        {
          region: 'ap-southeast-2',
          kind: 'log',
          status: 'unverified',
          reason: expect.stringMatching(/^listed only in .*, which is unverified: unsigned/),
        },
      ]);
      expect(report.viaSuccessor).toBe(1);
      expect(report.ok).toBe(false);
    } finally {
      await s3.stop();
    }
  });
});
