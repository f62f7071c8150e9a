// Judges the ingested digests (reference §6.3): which are authentic (signed by a trusted key, or
// vouched for by an authentic successor's previousDigestHashValue and Signature), which are linked to
// their predecessor, and where a chain has a hole. No digest field is trusted before it is authentic.

import { createVerify } from 'node:crypto';
import { z } from 'zod';
import { isoSeconds } from '../core/time.ts';
import type { KeyRing } from './verify-keys.ts';
import { type DigestName, parseDigestName, parseTime, shortName, trailKey } from './verify-names.ts';

export const DigestInput = z.object({
  file_id: z.coerce.number(),
  location: z.string(),
  source: z.string(),
  digest_start_time: z.string().nullable(),
  digest_end_time: z.string().nullable(),
  s3_bucket: z.string().nullable(),
  s3_object: z.string().nullable(),
  fingerprint: z.string().nullable(),
  signature_algorithm: z.string().nullable(),
  signature: z.string().nullable(),
  previous_s3_object: z.string().nullable(),
  previous_hash: z.string().nullable(),
  previous_signature: z.string().nullable(),
  body_sha256: z.string(),
  log_files: z.string().nullable(),
});
export type DigestInput = z.infer<typeof DigestInput>;

const Entry = z.object({
  s3Object: z.string().min(1),
  hashValue: z.string().regex(/^[0-9a-fA-F]{64}$/, 'hashValue is not a hex SHA-256'),
  hashAlgorithm: z.literal('SHA-256').optional(),
});
export interface ListedEntry {
  key: string;
  hash: string;
}

export type DigestStatus = 'valid' | 'invalid' | 'unverified';

export interface JudgedDigest {
  input: DigestInput;
  /** the name it signs for itself (from AWSLogs/ on), or its location when it has none */
  name: string;
  parsed: DigestName | null;
  start: number | null;
  end: number | null;
  /** what it lists; null when logFiles is malformed */
  entries: ListedEntry[] | null;
  authenticated: 'signature' | 'successor' | null;
  status: DigestStatus;
  reason: string | null;
}

export interface ChainFinding {
  kind: 'missing' | 'gap' | 'truncated';
  location: string;
  reason: string;
  /** the digest that shows the hole: the one after it, or the last one of a chain cut short */
  digest: JudgedDigest;
}

interface Work extends JudgedDigest {
  structural: string[];
  sig: 'ok' | 'bad' | 'unsigned' | 'untrusted';
  sigNote: string | null;
  malformed: string | null;
  vouchedBy: Work | null;
  successorProblem: string | null;
  link: { kind: 'start' | 'range-start' | 'linked' | 'broken'; reason: string | null };
  last: boolean;
}

const lower = (s: string | null) => s?.trim().toLowerCase() ?? null;

/** Digests arrive hourly for every Region of a trail; a chain that ends this long before its trail lost its last ones. */
const TRUNCATION_SLACK = 2 * 3_600_000;

export interface ChainOptions {
  /** digests starting at or before this may link to a predecessor that was not ingested */
  since: number | null;
}

export function judgeDigests(
  inputs: DigestInput[],
  keys: KeyRing,
  opts: ChainOptions,
): { digests: JudgedDigest[]; findings: ChainFinding[] } {
  const all = inputs.map((d) => examine(d, keys));
  const byName = new Map<string, Work[]>();
  for (const w of all) {
    if (!w.parsed) continue;
    const list = byName.get(w.parsed.key) ?? [];
    list.push(w);
    byName.set(w.parsed.key, list);
  }
  const prevKey = (w: Work) => (w.input.previous_s3_object ? trailKey(w.input.previous_s3_object) : null);

  // an authentic digest vouches for the exact bytes and signature of its predecessor
  const queue = all.filter((w) => w.authenticated);
  while (queue.length > 0) {
    const d = queue.pop()!;
    const key = prevKey(d);
    const hash = lower(d.input.previous_hash);
    if (!key || !hash) continue;
    for (const p of byName.get(key) ?? []) {
      if (p.authenticated || p.structural.length > 0 || p.sig === 'bad') continue;
      if (p.input.body_sha256 !== hash) {
        p.successorProblem = `its successor ${shortName(d.name)} records SHA-256 ${hash} for it, but this copy hashes to ${p.input.body_sha256}: modified or replaced`;
      } else if (p.input.signature && p.input.signature !== lower(d.input.previous_signature)) {
        p.successorProblem = `its signature differs from the one its successor ${shortName(d.name)} records for it: replaced`;
      } else {
        p.authenticated = 'successor';
        p.vouchedBy = d;
        p.successorProblem = null;
        queue.push(p);
      }
    }
  }

  const findings: ChainFinding[] = [];
  const reportedMissing = new Set<string>();
  for (const w of all) {
    if (!w.authenticated) continue;
    const key = prevKey(w);
    const prevSig = lower(w.input.previous_signature);
    if (!key && !prevSig) {
      w.link = { kind: 'start', reason: 'the start of a chain (no previous digest)' };
      continue;
    }
    if (!key || !prevSig) {
      w.link = {
        kind: 'broken',
        reason: 'chain broken: previousDigestS3Object and previousDigestSignature disagree (one is null)',
      };
      continue;
    }
    const candidates = byName.get(key) ?? [];
    if (candidates.length === 0) {
      if (opts.since !== null && w.start !== null && w.start <= opts.since) {
        w.link = { kind: 'range-start', reason: `its previous digest ${shortName(key)} lies before --since` };
        continue;
      }
      w.link = {
        kind: 'broken',
        reason: `chain broken: its previous digest ${shortName(key)} was not ingested`,
      };
      if (!reportedMissing.has(key)) {
        reportedMissing.add(key);
        findings.push({
          kind: 'missing',
          location: key,
          reason: `${shortName(w.name)} names it as its previous digest, but it was not ingested: deleted?`,
          digest: w,
        });
      }
      continue;
    }
    const hash = lower(w.input.previous_hash);
    const p = candidates.find(
      (c) => c.input.body_sha256 === hash && (!c.input.signature || c.input.signature === prevSig),
    );
    if (!p) {
      w.link = {
        kind: 'broken',
        reason: `chain broken: its previous digest ${shortName(key)} is not the one it records (SHA-256 or signature differs)`,
      };
    } else if (p.parsed?.chain !== w.parsed?.chain) {
      w.link = {
        kind: 'broken',
        reason: `chain broken: its previous digest ${shortName(key)} belongs to another trail or Region`,
      };
    } else {
      w.link = { kind: 'linked', reason: null };
    }
  }

  // per chain, in time order: holes nobody explains, and the last digest
  const chains = new Map<string, Work[]>();
  for (const w of all) {
    if (!w.parsed || w.start === null || w.end === null) continue;
    const list = chains.get(w.parsed.chain) ?? [];
    list.push(w);
    chains.set(w.parsed.chain, list);
  }
  const trailEnd = new Map<string, number>();
  for (const list of chains.values()) {
    list.sort((a, b) => a.start! - b.start! || a.end! - b.end!);
    list.at(-1)!.last = true;
    let reach = list[0]!.end!;
    for (const w of list.slice(1)) {
      const isStart = !w.input.previous_s3_object && !w.input.previous_signature;
      // a digest whose missing predecessor is already named explains its own hole
      const explained = w.link.kind === 'broken' && reportedMissing.has(prevKey(w) ?? '');
      if (w.start! > reach && !isStart && !explained) {
        findings.push({
          kind: 'gap',
          location: w.name,
          reason: `no ingested digest covers ${isoSeconds(reach)} to ${isoSeconds(w.start!)}, before this one`,
          digest: w,
        });
      }
      reach = Math.max(reach, w.end!);
    }
    const trail = trailOf(list[0]!.parsed!);
    trailEnd.set(trail, Math.max(trailEnd.get(trail) ?? 0, reach));
  }
  // CloudTrail delivers a digest every hour for every Region of a trail, files or not; a chain that
  // stops long before its siblings lost its last digests (or the account or Region left the trail)
  for (const list of chains.values()) {
    const last = list.at(-1)!;
    const end = trailEnd.get(trailOf(last.parsed!))!;
    if (last.end! + TRUNCATION_SLACK < end) {
      findings.push({
        kind: 'truncated',
        location: last.name,
        reason: `the last digest of its chain ends at ${isoSeconds(last.end!)}, while trail ${last.parsed!.trail} continues to ${isoSeconds(end)} elsewhere: later digests deleted?`,
        digest: last,
      });
    }
  }

  for (const w of all) settle(w);
  return { digests: all, findings };
}

/** One trail: an organization trail spans its member accounts; any other trail belongs to one account. */
const trailOf = (n: DigestName) =>
  `${n.chain.startsWith('o-') ? n.chain.split('/')[0] : n.account}/${n.trail}/${n.homeRegion}`;

function examine(d: DigestInput, keys: KeyRing): Work {
  const parsed = d.s3_object ? parseDigestName(d.s3_object) : null;
  const w: Work = {
    input: { ...d, signature: lower(d.signature), body_sha256: d.body_sha256.toLowerCase() },
    name: parsed?.key ?? trailKey(d.location) ?? d.location,
    parsed,
    start: parseTime(d.digest_start_time),
    end: parseTime(d.digest_end_time),
    entries: null,
    authenticated: null,
    status: 'unverified',
    reason: null,
    structural: [],
    sig: 'unsigned',
    sigNote: null,
    malformed: null,
    vouchedBy: null,
    successorProblem: null,
    link: { kind: 'broken', reason: null },
    last: false,
  };
  if (!parsed) w.structural.push(`digestS3Object '${d.s3_object ?? ''}' is not a CloudTrail digest name`);
  else if (trailKey(d.location) !== parsed.key)
    w.structural.push(`it names itself ${parsed.key}, but sits elsewhere: moved or copied`);
  if (w.start === null || w.end === null)
    w.structural.push('digestStartTime or digestEndTime is missing or not a time');
  if (!d.s3_bucket) w.structural.push('digestS3Bucket is missing');
  if (d.signature_algorithm && d.signature_algorithm !== 'SHA256withRSA')
    w.structural.push(`digestSignatureAlgorithm ${d.signature_algorithm} is not SHA256withRSA`);

  const listed = z.array(Entry).safeParse(safeJson(d.log_files));
  if (listed.success)
    w.entries = listed.data.map((e) => ({
      key: trailKey(e.s3Object) ?? e.s3Object,
      hash: e.hashValue.toLowerCase(),
    }));
  else
    w.malformed = `logFiles is malformed: ${listed.error.issues
      .map((i) => `${i.path.join('.') || 'logFiles'}: ${i.message}`)
      .slice(0, 3)
      .join('; ')}`;

  if (!w.input.signature) {
    w.sig = 'unsigned';
    w.sigNote =
      'unsigned: no signature (S3 metadata x-amz-meta-signature, or <digest>.sig beside a local copy)';
  } else if (!parsed || w.structural.length > 0) {
    w.sig = 'untrusted';
    w.sigNote = 'its signature cannot be checked';
  } else {
    const found = keys.lookup(d.fingerprint, parsed.region, w.end);
    const signed = `${d.digest_end_time}\n${d.s3_bucket}/${d.s3_object}\n${w.input.body_sha256}\n${d.previous_signature ?? 'null'}`;
    const hexOk = /^([0-9a-f]{2})+$/.test(w.input.signature);
    const by = hexOk
      ? found.keys.find((k) =>
          createVerify('RSA-SHA256').update(signed).verify(k.key, Buffer.from(w.input.signature!, 'hex')),
        )
      : undefined;
    if (by) {
      w.sig = 'ok';
      w.authenticated = 'signature';
      if (found.problem)
        w.sigNote = `verified with trusted key ${by.fingerprint} from ${by.origin}, although it names ${d.fingerprint}`;
    } else if (found.problem === null) {
      w.sig = 'bad';
      w.sigNote = `its signature does not verify with trusted key ${d.fingerprint}: modified or forged`;
    } else {
      w.sig = 'untrusted';
      w.sigNote = `signed with ${found.problem}`;
    }
  }
  return w;
}

function settle(w: Work): void {
  const [status, reason] = verdict(w);
  w.status = status;
  w.reason = reason;
}

function verdict(w: Work): [DigestStatus, string | null] {
  if (w.structural.length > 0) return ['invalid', w.structural.join('; ')];
  if (w.sig === 'bad') return ['invalid', w.sigNote];
  if (!w.authenticated && w.successorProblem) return ['invalid', w.successorProblem];
  if (!w.authenticated) {
    const why = w.last
      ? 'it is the last digest of its chain, so no successor can vouch for it'
      : 'no authenticated successor vouches for it';
    return ['unverified', `${w.sigNote}; ${why}`];
  }
  if (w.entries === null) return ['invalid', `authentic, but ${w.malformed}`];
  if (w.link.kind === 'broken') return ['unverified', w.link.reason];
  const notes: string[] = [];
  if (w.authenticated === 'successor')
    notes.push(
      `${w.sigNote}; authenticated through its successor ${shortName(w.vouchedBy!.name)}, which records its SHA-256 and signature`,
    );
  else if (w.sigNote) notes.push(w.sigNote);
  if (w.link.kind !== 'linked' && w.link.reason) notes.push(w.link.reason);
  return ['valid', notes.length ? notes.join('; ') : null];
}

function safeJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
