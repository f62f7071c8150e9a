// Randomized tampering of a small signed trail: whatever an attacker without the trusted key does
// (edit, delete or forge log files, delete digests or their signatures, rewrite and re-sign digests),
// no altered file is ever valid, no untouched file is ever called tampered, and verify never passes.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { loadPublicKeys, verifyStore } from '../../ingest/verify.ts';
import { Store } from '../../queries/store.ts';
import {
  attackerSigner,
  editLog,
  forgeLog,
  logName,
  MICRO_ACCOUNT,
  MICRO_HOURS,
  MICRO_REGIONS,
  MICRO_START,
  microTrail,
  readDigest,
  TRUSTED,
  writeDigest,
} from '../ingest/verify-trail.ts';

const HOUR = 3_600_000;
let pristine: string;
const mallory = attackerSigner();

beforeAll(() => {
  pristine = mkdtempSync(join(tmpdir(), 'copytrail-verify-fuzz-'));
  microTrail(pristine);
});
afterAll(() => rmSync(pristine, { recursive: true, force: true }));

type Attack =
  | { op: 'editLog' | 'deleteLog'; region: number; hour: number }
  | { op: 'forge'; region: number; hour: number; suffix: string }
  | {
      op: 'deleteDigest' | 'modifyDigest' | 'relistUntrusted' | 'relistForgedSignature';
      region: number;
      hour: number;
    }
  | { op: 'unsign' | 'misreport'; region: number; hour: number };

const at = { region: fc.nat(MICRO_REGIONS.length - 1), hour: fc.nat(MICRO_HOURS - 1) };
const attack: fc.Arbitrary<Attack> = fc.oneof(
  fc.record({ op: fc.constantFrom('editLog' as const, 'deleteLog' as const), ...at }),
  fc.record({
    op: fc.constant('forge' as const),
    ...at,
    suffix: fc.constantFrom('.json.gz', '.json', '.ndjson', ''),
  }),
  // deleting the newest digest together with its files is indistinguishable from a trail that has
  // not delivered yet (README: what verify cannot prove), so deletions stay inside the chain
  fc.record({ op: fc.constant('deleteDigest' as const), region: at.region, hour: fc.nat(MICRO_HOURS - 2) }),
  fc.record({
    op: fc.constantFrom(
      'modifyDigest' as const,
      'relistUntrusted' as const,
      'relistForgedSignature' as const,
    ),
    ...at,
  }),
  fc.record({ op: fc.constantFrom('unsign' as const, 'misreport' as const), ...at }),
);

const chain = { account: MICRO_ACCOUNT, files: 0 };
const files = (dir: string, part: string) =>
  (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.includes(part) && f.endsWith('.json.gz'))
    .sort()
    .map((f) => join(dir, f));
/** The digest that ends after `hour`, by its name, so a deleted one is not replaced by its neighbour. */
const digestAt = (dir: string, region: number, hour: number) =>
  files(dir, `/CloudTrail-Digest/${MICRO_REGIONS[region]}/`).find((f) =>
    f.endsWith(`T${String(hour + 1).padStart(2, '0')}0000Z.json.gz`),
  );
const logAt = (dir: string, region: number, hour: number) =>
  files(dir, `/CloudTrail/${MICRO_REGIONS[region]}/`).find((f) =>
    f.includes(`T${String(hour).padStart(2, '0')}10Z_`),
  );

/** Applies the attacks; returns the log files whose content is no longer what CloudTrail delivered. */
function apply(dir: string, attacks: Attack[]): { altered: Set<string>; harmful: boolean } {
  const altered = new Set<string>();
  let harmful = false;
  for (const a of attacks) {
    const region = MICRO_REGIONS[a.region]!;
    const digest = digestAt(dir, a.region, a.hour);
    const log = logAt(dir, a.region, a.hour);
    switch (a.op) {
      case 'editLog':
        if (!log) break;
        editLog(log, `198.51.100.${altered.size + 1}`);
        altered.add(log);
        harmful = true;
        break;
      case 'deleteLog':
        if (!log) break;
        unlinkSync(log);
        harmful = true;
        break;
      case 'forge': {
        const path = logName(
          dir,
          { ...chain, region },
          MICRO_START + a.hour * HOUR + 33 * 60_000,
          `F${altered.size}`.padEnd(16, 'z'),
          a.suffix,
        );
        forgeLog(path, { gzip: a.suffix === '.json.gz' || a.suffix === '', ndjson: a.suffix === '.ndjson' });
        altered.add(path);
        harmful = true;
        break;
      }
      case 'deleteDigest':
        if (!digest) break;
        unlinkSync(digest);
        rmSync(`${digest}.sig`, { force: true });
        harmful = true;
        break;
      case 'unsign':
        if (!digest) break;
        rmSync(`${digest}.sig`, { force: true });
        // the last digest of a chain has no successor to vouch for it
        if (a.hour === MICRO_HOURS - 1) harmful = true;
        break;
      case 'misreport': {
        // an unsigned digest that claims another hash for a file nobody touched
        if (!digest) break;
        const body = readDigest(digest);
        if (body.logFiles.length === 0) break;
        body.logFiles[0].hashValue = 'ab'.repeat(32);
        writeDigest(digest, body, null);
        harmful = true;
        break;
      }
      case 'modifyDigest': {
        if (!digest) break;
        const sig = existsSync(`${digest}.sig`) ? readFileSync(`${digest}.sig`, 'utf8') : null;
        const body = readDigest(digest);
        body.newestEventTime = '2020-01-01T00:00:00Z';
        writeDigest(digest, body, null);
        if (sig) writeFileSync(`${digest}.sig`, sig);
        harmful = true;
        break;
      }
      case 'relistUntrusted':
      case 'relistForgedSignature': {
        if (!digest || !log) break;
        const body = readDigest(digest);
        const entry = body.logFiles.find((e: { s3Object: string }) => log.endsWith(e.s3Object));
        if (!entry) break;
        entry.hashValue = editLog(log, '192.0.2.99');
        altered.add(log);
        if (a.op === 'relistUntrusted') body.digestPublicKeyFingerprint = mallory.fingerprint;
        else body.digestPublicKeyFingerprint = TRUSTED.fingerprint;
        writeDigest(digest, body, mallory);
        harmful = true;
        break;
      }
    }
  }
  return { altered, harmful };
}

describe('verify under random tampering', () => {
  it('never calls an altered file valid, never calls an untouched one tampered, and never passes a tampered trail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(attack, { maxLength: 5 }), async (attacks) => {
        const dir = mkdtempSync(join(tmpdir(), 'copytrail-verify-fuzz-case-'));
        const store = await Store.open({ path: ':memory:', memoryLimit: '512MB' });
        try {
          cpSync(pristine, dir, { recursive: true });
          const { altered, harmful } = apply(dir, attacks);
          const bare = [...altered].filter((p) => !/\.(json|ndjson)(\.gz)?$/.test(p));
          await ingestDir(store, [dir, ...bare]);
          const report = await verifyStore(store, {
            keys: loadPublicKeys(join(dir, 'cloudtrail-public-key.pem')),
          });
          const { rows } = await store.userQuery(
            "select location, digest_status from ingested_files where kind = 'log'",
          );
          for (const r of rows) {
            const loc = String(r.location);
            if (altered.has(loc)) expect(r.digest_status, loc).not.toBe('valid');
            else expect(r.digest_status, loc).not.toBe('tampered');
          }
          expect(report.ok).toBe(!harmful);
        } finally {
          store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60, seed: 20260301 },
    );
  });
});
