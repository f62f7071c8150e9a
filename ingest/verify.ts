// `verify`: CloudTrail log-file integrity for what was ingested (reference §6.3). Each digest's
// SHA256withRSA signature over the documented signing string, the previousDigestSignature /
// previousDigestHashValue chain with its gaps, each listed log file's SHA-256, and log files that
// no digest lists. Results go to ingested_files.digest_status and digests.status.
import { createHash, createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { z } from 'zod';
import { writeLines } from '../queries/ndjson.ts';
import type { Store } from '../queries/store.ts';

export class VerifyError extends Error {
  override name = 'VerifyError';
}

const DigestRow = z.object({
  file_id: z.coerce.number(),
  location: z.string(),
  account_id: z.string().nullable(),
  region: z.string().nullable(),
  digest_start_time: z.string().nullable(),
  digest_end_time: z.string().nullable(),
  s3_bucket: z.string().nullable(),
  s3_object: z.string().nullable(),
  fingerprint: z.string().nullable(),
  signature: z.string().nullable(),
  previous_s3_object: z.string().nullable(),
  previous_hash: z.string().nullable(),
  previous_signature: z.string().nullable(),
  body_sha256: z.string(),
  log_files: z.string().nullable(),
});
type DigestRow = z.infer<typeof DigestRow>;

const LogFileRow = z.object({
  file_id: z.coerce.number(),
  location: z.string(),
  sha256: z.string(),
  path_account_id: z.string().nullable(),
  path_region: z.string().nullable(),
});

const ListedFile = z.object({ s3Object: z.string(), hashValue: z.string() }).passthrough();

export type Problem = 'tampered' | 'missing' | 'unverifiable';
export interface Finding {
  kind: Problem;
  location: string;
  reason: string;
}

export interface VerifyReport {
  digests: { valid: number; invalid: number; unchecked: number };
  logFiles: { valid: number; invalid: number; missing: number; unchecked: number };
  findings: Finding[];
  tampered: number;
}

export type PublicKeys = Map<string, KeyObject>;

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Keys by fingerprint from a PEM file (fingerprint: MD5 of the DER public key) or a saved ListPublicKeys answer. */
export function loadPublicKeys(file: string): PublicKeys {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VerifyError(`cannot read public keys from ${file}`, { cause });
  }
  const keys: PublicKeys = new Map();
  if (text.trimStart().startsWith('{')) {
    let parsed: { PublicKeyList?: { Value?: string; Fingerprint?: string }[] };
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new VerifyError(`${file}: not valid JSON`, { cause });
    }
    for (const k of parsed.PublicKeyList ?? []) {
      if (!k.Value || !k.Fingerprint) continue;
      keys.set(
        k.Fingerprint.toLowerCase(),
        createPublicKey({ key: Buffer.from(k.Value, 'base64'), format: 'der', type: 'pkcs1' }),
      );
    }
  } else {
    for (const m of text.matchAll(
      /-----BEGIN (RSA )?PUBLIC KEY-----[\s\S]+?-----END (RSA )?PUBLIC KEY-----/g,
    )) {
      const key = createPublicKey(m[0]);
      keys.set(md5(key.export({ type: 'pkcs1', format: 'der' })), key);
    }
  }
  if (keys.size === 0)
    throw new VerifyError(`${file}: no public keys found (expected PEM or a ListPublicKeys JSON answer)`);
  return keys;
}

/** Fetches CloudTrail's public keys (ListPublicKeys) for the digests' time span in one region. */
export async function fetchPublicKeys(client: CloudTrailClient, start: Date, end: Date): Promise<PublicKeys> {
  const keys: PublicKeys = new Map();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token }),
    );
    for (const k of page.PublicKeyList ?? []) {
      if (k.Value && k.Fingerprint) {
        keys.set(
          k.Fingerprint.toLowerCase(),
          createPublicKey({ key: Buffer.from(k.Value), format: 'der', type: 'pkcs1' }),
        );
      }
    }
    token = page.NextToken;
  } while (token);
  return keys;
}

/** The part of a key from AWSLogs/ on: how a local copy, an S3 key and a digest entry are matched. */
export function trailKey(location: string): string | null {
  const i = location.indexOf('AWSLogs/');
  return i < 0 ? null : location.slice(i);
}

/** The delivery time in a log file's name: …_20260302T1005Z_<unique>.json.gz */
function deliveredAt(location: string): number | null {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]+\.json(\.gz)?$/.exec(location);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!) : null;
}

export interface VerifyOptions {
  /** Keys from a local file (offline). */
  keys?: PublicKeys;
  /** Otherwise fetched for the digests' time span (ListPublicKeys). */
  fetchKeys?: (start: Date, end: Date) => Promise<PublicKeys>;
}

export async function verifyStore(store: Store, opts: VerifyOptions): Promise<VerifyReport> {
  const digests = await store.all('verify/digests', DigestRow);
  const logs = await store.all('verify/log_files', LogFileRow);
  let keys: PublicKeys = opts.keys ?? new Map();
  if (!opts.keys && opts.fetchKeys && digests.length > 0) {
    const times = digests
      .flatMap((d) => [d.digest_start_time, d.digest_end_time])
      .filter((t): t is string => !!t)
      .sort();
    try {
      keys = await opts.fetchKeys(new Date(times[0]!), new Date(times[times.length - 1]!));
    } catch (cause) {
      throw new VerifyError(
        `cannot fetch CloudTrail public keys (ListPublicKeys): ${(cause as Error).message}; pass --public-keys FILE to verify offline`,
        { cause },
      );
    }
  }
  const findings: Finding[] = [];
  const digestStatus = new Map<
    number,
    { status: 'valid' | 'invalid' | 'unchecked'; reason: string | null }
  >();
  const fileStatus = new Map<
    number,
    { status: 'valid' | 'invalid' | 'missing' | 'unchecked'; reason: string | null }
  >();
  const logsByKey = new Map<string, z.infer<typeof LogFileRow>>();
  for (const l of logs) {
    const k = trailKey(l.location);
    if (k) logsByKey.set(k, l);
  }
  const name = (d: DigestRow) => trailKey(d.s3_object ?? d.location) ?? d.location;

  // signatures and the chain, per account and region in time order
  let prev: DigestRow | null = null;
  for (const d of digests) {
    const samePair = prev && prev.account_id === d.account_id && prev.region === d.region;
    const problems: string[] = [];
    let unchecked: string | null = null;
    const key = d.fingerprint ? keys.get(d.fingerprint.toLowerCase()) : undefined;
    if (!d.signature)
      unchecked = 'no signature (S3 metadata x-amz-meta-signature or a .sig file beside the digest)';
    else if (!key) unchecked = `public key ${d.fingerprint ?? '(none named)'} is not available`;
    else {
      const signed = `${d.digest_end_time}\n${d.s3_bucket}/${d.s3_object}\n${d.body_sha256}\n${d.previous_signature ?? 'null'}`;
      const ok = createVerify('RSA-SHA256').update(signed).verify(key, Buffer.from(d.signature, 'hex'));
      if (!ok) problems.push('signature does not match: the digest was modified or re-signed');
    }
    if (samePair && prev) {
      if (d.previous_s3_object && trailKey(d.previous_s3_object) !== name(prev)) {
        findings.push({
          kind: 'missing',
          location: d.previous_s3_object,
          reason: `digest before ${name(d)} was not ingested (gap in the chain)`,
        });
      } else if (d.previous_s3_object) {
        // an unsigned predecessor is reported as unverifiable; its hash still links the chain
        if (prev.signature && d.previous_signature !== prev.signature) {
          problems.push(`chain broken: previousDigestSignature does not match ${name(prev)}`);
        }
        if (d.previous_hash !== prev.body_sha256)
          problems.push(`chain broken: previousDigestHashValue does not match ${name(prev)}`);
      } else {
        problems.push(`chain broken: no previous digest named, but ${name(prev)} came before it`);
      }
      if (
        prev.digest_end_time &&
        d.digest_start_time &&
        prev.digest_end_time !== d.digest_start_time &&
        d.previous_s3_object &&
        trailKey(d.previous_s3_object) === name(prev)
      ) {
        findings.push({
          kind: 'missing',
          location: name(d),
          reason: `no digest from ${prev.digest_end_time} to ${d.digest_start_time}`,
        });
      }
    }
    if (problems.length) {
      digestStatus.set(d.file_id, { status: 'invalid', reason: problems.join('; ') });
      findings.push({ kind: 'tampered', location: name(d), reason: problems.join('; ') });
    } else if (unchecked) {
      digestStatus.set(d.file_id, { status: 'unchecked', reason: unchecked });
      findings.push({ kind: 'unverifiable', location: name(d), reason: unchecked });
    } else digestStatus.set(d.file_id, { status: 'valid', reason: null });

    // the log files it lists
    let listed: z.infer<typeof ListedFile>[] = [];
    try {
      listed = z.array(ListedFile).parse(JSON.parse(d.log_files ?? '[]'));
    } catch {
      findings.push({
        kind: 'tampered',
        location: name(d),
        reason: 'logFiles is not a list of {s3Object, hashValue}',
      });
    }
    for (const entry of listed) {
      const k = trailKey(entry.s3Object) ?? entry.s3Object;
      const log = logsByKey.get(k);
      if (!log) {
        findings.push({
          kind: 'tampered',
          location: k,
          reason: `listed in ${name(d)} but not found: deleted?`,
        });
        continue;
      }
      if (log.sha256 === entry.hashValue.toLowerCase()) {
        if (!fileStatus.has(log.file_id)) fileStatus.set(log.file_id, { status: 'valid', reason: null });
      } else {
        fileStatus.set(log.file_id, {
          status: 'invalid',
          reason: `SHA-256 differs from ${name(d)}: modified`,
        });
        findings.push({
          kind: 'tampered',
          location: log.location,
          reason: `SHA-256 differs from ${name(d)}: modified`,
        });
      }
    }
    prev = d;
  }

  // log files no digest lists: inserted, if a digest covers their delivery hour
  const windows = new Map<string, [number, number][]>();
  for (const d of digests) {
    if (!d.digest_start_time || !d.digest_end_time) continue;
    const k = `${d.account_id}|${d.region}`;
    const list = windows.get(k) ?? [];
    list.push([Date.parse(d.digest_start_time), Date.parse(d.digest_end_time)]);
    windows.set(k, list);
  }
  for (const l of logs) {
    if (fileStatus.has(l.file_id)) continue;
    const at = deliveredAt(l.location);
    if (!trailKey(l.location) || !l.path_account_id || at === null) {
      fileStatus.set(l.file_id, {
        status: 'unchecked',
        reason: 'not in a CloudTrail S3 layout: no digest can list it',
      });
      continue;
    }
    // the digest for the hour named in the file: if it exists and does not list the file, the file
    // was put there afterwards; if that digest is absent, nothing can vouch for the file
    const covered = (windows.get(`${l.path_account_id}|${l.path_region}`) ?? []).some(
      ([s, e]) => at >= s && at < e,
    );
    if (covered) {
      fileStatus.set(l.file_id, {
        status: 'invalid',
        reason: 'not listed in the digest for its delivery hour: inserted?',
      });
      findings.push({
        kind: 'tampered',
        location: l.location,
        reason: 'not listed in the digest for its delivery hour: inserted?',
      });
    } else {
      fileStatus.set(l.file_id, { status: 'missing', reason: 'no digest covers its delivery hour' });
      findings.push({ kind: 'missing', location: l.location, reason: 'no digest covers its delivery hour' });
    }
  }

  // store the results
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-verify-'));
  try {
    const filesPath = join(dir, 'files.ndjson');
    const digestsPath = join(dir, 'digests.ndjson');
    const fMax = writeLines(
      filesPath,
      [...fileStatus].map(([file_id, s]) =>
        JSON.stringify({ file_id, digest_status: s.status, digest_reason: s.reason }),
      ),
    );
    const dMax = writeLines(
      digestsPath,
      [...digestStatus].map(([file_id, s]) =>
        JSON.stringify({ file_id, status: s.status, status_reason: s.reason }),
      ),
    );
    await store.transaction(async () => {
      if (fileStatus.size) await store.run('verify/apply_file_status', { path: filesPath, max_bytes: fMax });
      if (digestStatus.size)
        await store.run('verify/apply_digest_status', { path: digestsPath, max_bytes: dMax });
      await store.run('verify/sync_digest_ledger');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const countOf = <T extends string>(m: Map<number, { status: T }>, s: T) =>
    [...m.values()].filter((v) => v.status === s).length;
  return {
    digests: {
      valid: countOf(digestStatus, 'valid'),
      invalid: countOf(digestStatus, 'invalid'),
      unchecked: countOf(digestStatus, 'unchecked'),
    },
    logFiles: {
      valid: countOf(fileStatus, 'valid'),
      invalid: countOf(fileStatus, 'invalid'),
      missing: countOf(fileStatus, 'missing'),
      unchecked: countOf(fileStatus, 'unchecked'),
    },
    findings,
    tampered: findings.filter((f) => f.kind === 'tampered').length,
  };
}

export function formatVerifyReport(r: VerifyReport, limit = 20): string {
  const lines = [
    `digests:   ${r.digests.valid} valid, ${r.digests.invalid} invalid, ${r.digests.unchecked} unverifiable`,
    `log files: ${r.logFiles.valid} valid, ${r.logFiles.invalid} invalid, ${r.logFiles.missing} without a digest, ${r.logFiles.unchecked} unverifiable`,
  ];
  for (const kind of ['tampered', 'missing', 'unverifiable'] as const) {
    const f = r.findings.filter((x) => x.kind === kind);
    if (f.length === 0) continue;
    lines.push(`${kind} (${f.length}):`);
    for (const x of f.slice(0, limit)) lines.push(`  ${x.location}: ${x.reason}`);
    if (f.length > limit)
      lines.push(
        `  … and ${f.length - limit} more (see ingested_files.digest_reason and digests.status_reason)`,
      );
  }
  lines.push(r.tampered > 0 ? `TAMPERING FOUND: ${r.tampered} problem(s)` : 'no tampering found');
  return lines.join('\n');
}
