// A simulated, signed trail and the tools to break it the way an attacker (or CloudTrail itself)
// would: edit or forge log files, delete or rewrite digests, re-sign them with any key.
import { createHash, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DigestWriter } from '../../simulator/digests.ts';
import { ORG_ID } from '../../simulator/org.ts';
import { SIMULATOR_KEY_FINGERPRINT, SIMULATOR_PRIVATE_KEY } from '../../simulator/signing-key.ts';
import { simulate } from '../../simulator/simulate.ts';

export const HOUR = 3_600_000;
export const START = '2026-03-01';

/** One day of a six-account, eight-Region organization trail with signed hourly digests. */
export function simulateTrail(): string {
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-verify-trail-'));
  // a seed whose trail ends, on a chain the other attacks leave free, with a digest that lists files
  // (the unsigned-last-digest attack needs one)
  simulate({ out: dir, events: 1500, days: 1, seed: 12, start: START });
  return dir;
}

export interface Signer {
  key: KeyObject;
  fingerprint: string;
}
export const TRUSTED: Signer = { key: SIMULATOR_PRIVATE_KEY, fingerprint: SIMULATOR_KEY_FINGERPRINT };

/** A key nobody trusts, with its fingerprint computed the way the simulator's is. */
export function attackerSigner(): Signer & { publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'pkcs1', format: 'der' });
  return {
    key: privateKey,
    fingerprint: createHash('md5').update(der).digest('hex'),
    publicPem: createPublicKey(privateKey).export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

export interface ChainRef {
  account: string;
  region: string;
  /** log files in the chain's folder */
  files: number;
}

const listFiles = (dir: string) => readdirSync(dir, { recursive: true }) as string[];

/** Account-Region chains, busiest first, so scenarios get hours that hold files. */
export function chainsByActivity(dir: string): ChainRef[] {
  const counts = new Map<string, number>();
  for (const f of listFiles(dir)) {
    const m = /AWSLogs\/o-[a-z0-9]+\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/.*\.json\.gz$/.exec(f);
    if (m) counts.set(`${m[1]}|${m[2]}`, (counts.get(`${m[1]}|${m[2]}`) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, files]) => {
      const [account, region] = k.split('|') as [string, string];
      return { account, region, files };
    });
}

/** The digests of one chain, in time order (absolute paths). */
export function digestsOf(dir: string, c: ChainRef): string[] {
  const base = join(dir, 'AWSLogs', ORG_ID, c.account, 'CloudTrail-Digest', c.region);
  return listFiles(base)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .map((f) => join(base, f));
}

/** The folder a chain's log files are delivered to, as its files' trail keys start. */
export const logFolderOf = (c: ChainRef) => `AWSLogs/${ORG_ID}/${c.account}/CloudTrail/${c.region}/`;

// biome-ignore lint/suspicious/noExplicitAny: digest bodies are edited freely, as an attacker would
export type DigestBody = Record<string, any>;

export const readDigest = (path: string): DigestBody => JSON.parse(gunzipSync(readFileSync(path)).toString());

/** Writes a digest body and its `.sig`, signed by `signer` (null: no signature at all). */
export function writeDigest(
  path: string,
  body: DigestBody,
  signer: Signer | null,
): { hash: string; sig: string | null } {
  const text = JSON.stringify(body);
  const hash = createHash('sha256').update(text).digest('hex');
  writeFileSync(path, gzipSync(text));
  if (!signer) {
    if (existsSync(`${path}.sig`)) unlinkSync(`${path}.sig`);
    return { hash, sig: null };
  }
  const toSign = `${body.digestEndTime}\n${body.digestS3Bucket}/${body.digestS3Object}\n${hash}\n${body.previousDigestSignature ?? 'null'}`;
  const sig = createSign('RSA-SHA256').update(toSign).sign(signer.key).toString('hex');
  writeFileSync(`${path}.sig`, sig);
  return { hash, sig };
}

/**
 * Rewrites digests[from…] as a holder of `signer` would: `edit` changes a body, then each later digest
 * is re-linked to its rewritten predecessor and signed again, so the chain stays consistent.
 */
export function rewriteChain(
  digests: string[],
  from: number,
  signer: Signer,
  edit: (body: DigestBody, index: number) => void = () => {},
): void {
  let prev: { hash: string; sig: string | null } | null = null;
  for (let i = from; i < digests.length; i++) {
    const body = readDigest(digests[i]!);
    if (prev) {
      body.previousDigestHashValue = prev.hash;
      body.previousDigestSignature = prev.sig;
    }
    body.digestPublicKeyFingerprint = signer.fingerprint;
    edit(body, i);
    prev = writeDigest(digests[i]!, body, signer);
  }
}

/** A digest (index) of the chain that lists log files and has neighbours on both sides. */
export function middleWithFiles(digests: string[], after = 2): number {
  for (let i = after; i < digests.length - 3; i++) if (readDigest(digests[i]!).logFiles.length > 0) return i;
  throw new Error('no digest with files in the middle of this chain');
}

/** Absolute path of a file a digest lists. */
export const listedPath = (dir: string, body: DigestBody, n = 0) =>
  join(dir, body.logFiles[n].s3Object as string);

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Changes one record of a gzipped log file; returns the new SHA-256 of its content. */
export function editLog(path: string, change = '203.0.113.66'): string {
  const body = JSON.parse(gunzipSync(readFileSync(path)).toString());
  body.Records[0].sourceIPAddress = change;
  const text = JSON.stringify(body);
  writeFileSync(path, gzipSync(text));
  return sha256(text);
}

let forged = 0;
/** A forged log file with records of its own (fresh event ids), gzipped or not. */
export function forgeLog(path: string, opts: { gzip?: boolean; ndjson?: boolean } = {}): string {
  forged++;
  const records = [0, 1].map((i) => ({
    eventVersion: '1.09',
    eventID: `f0f0f0f0-0000-4000-8000-${String(forged * 10 + i).padStart(12, '0')}`,
    eventTime: '2026-03-01T10:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CopySnapshot',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
  }));
  const text = opts.ndjson
    ? records.map((r) => JSON.stringify(r)).join('\n')
    : JSON.stringify({ Records: records });
  writeFileSync(path, opts.gzip === false ? text : gzipSync(text));
  return sha256(text);
}

/** `<acct>_CloudTrail_<region>_<stamp>_<unique>` for a delivery time (ms) in a chain's day folder. */
export function logName(dir: string, c: ChainRef, at: number, unique: string, suffix: string): string {
  const d = new Date(at).toISOString();
  const folder = join(dir, logFolderOf(c), d.slice(0, 4), d.slice(5, 7), d.slice(8, 10));
  const stamp = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T${d.slice(11, 13)}${d.slice(14, 16)}Z`;
  mkdirSync(folder, { recursive: true });
  return join(folder, `${c.account}_CloudTrail_${c.region}_${stamp}_${unique}${suffix}`);
}

/** A digest's window start (ms). */
export const startOf = (body: DigestBody) => Date.parse(body.digestStartTime);

export const MICRO_ACCOUNT = '351842270915';
export const MICRO_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
export const MICRO_START = Date.parse('2026-03-01T00:00:00Z');
export const MICRO_HOURS = 4;

/**
 * A small signed trail: one account, three Regions, four hourly digests each with one log file, and
 * the public key beside it as cloudtrail-public-key.pem. Cheap enough to build in any test.
 */
export function microTrail(dir: string): void {
  const digests = new DigestWriter(dir, 'micro-trail', ORG_ID, [MICRO_ACCOUNT], MICRO_REGIONS, MICRO_START);
  MICRO_REGIONS.forEach((region, r) => {
    for (let h = 0; h < MICRO_HOURS; h++) {
      const at = MICRO_START + h * HOUR + 10 * 60_000;
      const time = new Date(at).toISOString();
      const stamp = `${time.slice(0, 4)}${time.slice(5, 7)}${time.slice(8, 10)}T${time.slice(11, 13)}${time.slice(14, 16)}Z`;
      const unique = `M${r}${h}${region.replaceAll('-', '')}`.padEnd(16, 'x').slice(0, 16);
      const file = `AWSLogs/${ORG_ID}/${MICRO_ACCOUNT}/CloudTrail/${region}/2026/03/01/${MICRO_ACCOUNT}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
      const body = JSON.stringify({
        Records: [
          {
            eventVersion: '1.09',
            eventID: `00000000-0000-4000-8000-${String(r * 10 + h).padStart(12, '0')}`,
            eventTime: time,
            eventSource: 'ec2.amazonaws.com',
            eventName: 'DescribeSnapshots',
            awsRegion: region,
            recipientAccountId: MICRO_ACCOUNT,
          },
        ],
      });
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), gzipSync(body));
      digests.addLogFile(MICRO_ACCOUNT, region, at, file, body, time, time);
    }
  });
  digests.flushThrough(MICRO_START + MICRO_HOURS * HOUR);
  writeFileSync(
    join(dir, 'cloudtrail-public-key.pem'),
    createPublicKey(SIMULATOR_PRIVATE_KEY).export({ type: 'pkcs1', format: 'pem' }),
  );
}
