// `verify`: CloudTrail log-file integrity for what was ingested (reference §6.3), fail-closed: a log
// file is valid only when an authentic digest, linked into its chain, lists it with its SHA-256. Results
// go to ingested_files.digest_status / digest_reason and digests.status / status_reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { isoSeconds } from '../core/time.ts';
import { writeLines } from '../queries/ndjson.ts';
import type { Store } from '../queries/store.ts';
import { apiClientOptions } from './api-client.ts';
import { isDigestLocation } from './layout.ts';
import { DigestInput, type JudgedDigest, judgeDigests } from './verify-chain.ts';
import { FileJudge, type JudgedFile, LogFileInput } from './verify-files.ts';
import { fetchPublicKeys, KeyRing, type TrustedKey, VerifyError } from './verify-keys.ts';
import { parseDigestName, parseLogPlace, trailKey } from './verify-names.ts';
import type { Finding, VerifyReport } from './verify-report.ts';

export { fetchPublicKeys, loadPublicKeys, type TrustedKey, VerifyError } from './verify-keys.ts';
export { trailKey } from './verify-names.ts';
export { type Finding, formatVerifyReport, type VerifyReport } from './verify-report.ts';

/** Sources that deliver CloudTrail's own log files, which digests can vouch for. */
export const FILE_SOURCES = ['dir', 's3'] as const;
const API_SOURCES = new Set(['lookup', 'athena', 'lake']);

export type FetchKeys = (region: string, start: Date, end: Date) => Promise<TrustedKey[]>;

export interface VerifyOptions {
  /** Keys from --public-keys: no call to AWS is made. */
  keys?: TrustedKey[];
  /** Otherwise: ListPublicKeys in each digest Region, for that Region's digests' time span. */
  fetchKeys?: FetchKeys;
  /** Only files and digests ingested from these sources (default: dir and s3). */
  sources?: string[];
  /** Only log files delivered in [since, until) (ms), and the digests that overlap it. */
  since?: number | null;
  until?: number | null;
}

/** ListPublicKeys with a client in each Region asked for: CloudTrail's keys are per Region. */
export function listPublicKeysPerRegion(
  makeClient: (region: string) => CloudTrailClient = (region) =>
    new CloudTrailClient({ region, ...apiClientOptions() }),
): FetchKeys {
  return async (region, start, end) => {
    const client = makeClient(region);
    try {
      return await fetchPublicKeys(client, start, end);
    } finally {
      client.destroy();
    }
  };
}

async function keyRing(digests: DigestInput[], opts: VerifyOptions): Promise<KeyRing> {
  if (opts.keys) return new KeyRing(opts.keys);
  const spans = new Map<string, [number, number]>();
  for (const d of digests) {
    const region = d.s3_object ? parseDigestName(d.s3_object)?.region : undefined;
    const start = Date.parse(d.digest_start_time ?? '');
    const end = Date.parse(d.digest_end_time ?? '');
    if (!region || !Number.isFinite(start) || !Number.isFinite(end)) continue;
    const span = spans.get(region) ?? [start, end];
    spans.set(region, [Math.min(span[0], start), Math.max(span[1], end)]);
  }
  if (!opts.fetchKeys || spans.size === 0) return new KeyRing([]);
  const fetchKeys = opts.fetchKeys;
  const regions = [...spans.keys()].sort();
  const results = await Promise.allSettled(
    regions.map((r) => fetchKeys(r, new Date(spans.get(r)![0]), new Date(spans.get(r)![1]))),
  );
  const byRegion = new Map<string, TrustedKey[]>();
  const errors = new Map<string, string>();
  results.forEach((res, i) => {
    if (res.status === 'fulfilled') byRegion.set(regions[i]!, res.value);
    else errors.set(regions[i]!, (res.reason as Error).message);
  });
  if (byRegion.size === 0) {
    const first = results[0] as PromiseRejectedResult;
    throw new VerifyError(
      `cannot fetch CloudTrail public keys (ListPublicKeys) in any of ${regions.join(', ')}: ${(first.reason as Error).message}; pass --public-keys FILE to verify offline`,
      { cause: first.reason },
    );
  }
  return new KeyRing([], byRegion, errors);
}

export async function verifyStore(store: Store, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const sources = new Set(opts.sources ?? FILE_SOURCES);
  const since = opts.since ?? null;
  const until = opts.until ?? null;
  const inTime = (t: number | null) =>
    t === null || ((since === null || t >= since) && (until === null || t < until));

  const digestRows = await store.all('verify/digests', DigestInput);
  const ledger = await store.all('verify/log_files', LogFileInput);
  const keys = await keyRing(digestRows, opts);
  const chain = judgeDigests(digestRows, keys, { since });

  const digestInScope = (d: JudgedDigest) =>
    sources.has(d.input.source) &&
    (d.start === null ||
      d.end === null ||
      ((since === null || d.end > since) && (until === null || d.start < until)));
  const digests = chain.digests.filter(digestInScope);
  const holes = chain.findings.filter((c) => digestInScope(c.digest));

  const fileRows = ledger.filter((f) => !API_SOURCES.has(f.source));
  const apiPages = ledger.filter((f) => API_SOURCES.has(f.source));
  const unreadable = fileRows.filter((f) => isDigestLocation(f.location) && sources.has(f.source));
  const logs = fileRows.filter(
    (f) =>
      !isDigestLocation(f.location) &&
      sources.has(f.source) &&
      inTime(parseLogPlace(f.location)?.deliveredAt ?? null),
  );
  const judge = new FileJudge(chain.digests);
  const judged = logs.map((f) => judge.judge(f));
  const present = new Set(fileRows.map((f) => trailKey(f.location)).filter((k): k is string => k !== null));
  const missing = judge.listedMissing(digests, present, inTime);

  const findings: Finding[] = [];
  const add = (kind: Finding['kind'], location: string, reason: string | null) =>
    findings.push({ kind, location, reason: reason ?? '' });
  for (const f of judged) if (f.status === 'tampered') add('tampered', f.location, f.reason);
  for (const m of missing) add('listed_missing', m.location, m.reason);
  for (const d of digests) if (d.status === 'invalid') add('invalid_digest', d.input.location, d.reason);
  for (const c of holes) add('chain', c.location, `${c.kind}: ${c.reason}`);
  for (const f of unreadable)
    add('unreadable_digest', f.location, `could not be read: ${f.error ?? f.status}`);
  for (const d of digests)
    if (d.status === 'unverified') add('unverified_digest', d.input.location, d.reason);
  for (const f of judged) if (f.status === 'unverified') add('unverified', f.location, f.reason);

  const fileStatuses: JudgedFile[] = [
    ...judged,
    ...unreadable.map((f) => ({
      file_id: f.file_id,
      location: f.location,
      status: 'unverified' as const,
      reason: `a digest file that could not be read: ${f.error ?? f.status}`,
    })),
    ...apiPages.map((f) => ({
      file_id: f.file_id,
      location: f.location,
      status: 'unverified' as const,
      reason: `an API page (${f.source}): CloudTrail digests cover only log files delivered to S3`,
    })),
  ];
  await store.transaction(() => save(store, fileStatuses, digests));

  const countFiles = (s: JudgedFile['status']) => judged.filter((f) => f.status === s).length;
  const countDigests = (s: JudgedDigest['status']) => digests.filter((d) => d.status === s).length;
  const report: VerifyReport = {
    scope: {
      sources: [...sources].sort(),
      since: since === null ? null : isoSeconds(since),
      until: until === null ? null : isoSeconds(until),
    },
    logFiles: {
      valid: countFiles('valid'),
      tampered: countFiles('tampered'),
      unverified: countFiles('unverified'),
    },
    digests: {
      valid: countDigests('valid'),
      invalid: countDigests('invalid'),
      unverified: countDigests('unverified'),
      unreadable: unreadable.length,
    },
    viaSuccessor: digests.filter((d) => d.status === 'valid' && d.authenticated === 'successor').length,
    listedMissing: missing.length,
    chainProblems: holes.length,
    apiPages: apiPages.length,
    findings,
    ok: false,
    tampered: 0,
  };
  report.tampered = report.logFiles.tampered + report.listedMissing + report.digests.invalid;
  const somethingChecked = judged.length + digests.length > 0;
  report.ok =
    somethingChecked &&
    report.logFiles.valid === judged.length &&
    report.digests.valid === digests.length &&
    unreadable.length === 0 &&
    missing.length === 0 &&
    holes.length === 0;
  return report;
}

async function save(store: Store, files: JudgedFile[], digests: JudgedDigest[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-verify-'));
  try {
    if (files.length > 0) {
      const path = join(dir, 'files.ndjson');
      const max = writeLines(
        path,
        files.map((f) =>
          JSON.stringify({ file_id: f.file_id, digest_status: f.status, digest_reason: f.reason }),
        ),
      );
      await store.run('verify/apply_file_status', { path, max_bytes: max });
    }
    if (digests.length > 0) {
      const path = join(dir, 'digests.ndjson');
      const max = writeLines(
        path,
        digests.map((d) =>
          JSON.stringify({ file_id: d.input.file_id, status: d.status, status_reason: d.reason }),
        ),
      );
      await store.run('verify/apply_digest_status', { path, max_bytes: max });
      await store.run('verify/sync_digest_ledger');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
