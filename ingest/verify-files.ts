// Judges each ingested log file against the authentic digests: valid only when a valid digest lists
// it with its SHA-256; tampered when an authentic digest lists another hash, or covers its delivery
// time without listing it; unverified, with the reason, in every other case.
import { z } from 'zod';
import { isoMinute } from '../core/time.ts';
import type { JudgedDigest } from './verify-chain.ts';
import { LOG_NAME_PATTERN, parseLogPlace, shortName, trailKey } from './verify-names.ts';

export const LogFileInput = z.object({
  file_id: z.coerce.number(),
  location: z.string(),
  source: z.string(),
  sha256: z.string().nullable(),
  status: z.string(),
  error: z.string().nullable(),
});
export type LogFileInput = z.infer<typeof LogFileInput>;

export type FileStatus = 'valid' | 'tampered' | 'unverified';
export interface JudgedFile {
  file_id: number;
  location: string;
  status: FileStatus;
  reason: string;
}

export interface ListedMissing {
  location: string;
  reason: string;
}

// A file's name carries the minute it was written; the real digest sample lists a file named two
// minutes before its digestStartTime, and delivery follows the name. Only when every digest that
// could list a file in this span is authentic and none lists it is the file called inserted.
const BEFORE = 5 * 60_000;
const AFTER = 15 * 60_000;

interface Listing {
  digest: JudgedDigest;
  hash: string;
}

export class FileJudge {
  private readonly listed = new Map<string, Listing[]>();
  private readonly listedUnauthentic = new Map<string, JudgedDigest>();
  /** log folder → chain → its digests in time order */
  private readonly folders = new Map<string, Map<string, JudgedDigest[]>>();

  constructor(digests: JudgedDigest[]) {
    for (const d of digests) {
      for (const e of d.entries ?? []) {
        if (usable(d)) {
          const list = this.listed.get(e.key) ?? [];
          list.push({ digest: d, hash: e.hash });
          this.listed.set(e.key, list);
        } else if (!this.listedUnauthentic.has(e.key)) this.listedUnauthentic.set(e.key, d);
      }
      if (!d.parsed || d.start === null || d.end === null) continue;
      const chains = this.folders.get(d.parsed.logFolder) ?? new Map<string, JudgedDigest[]>();
      const list = chains.get(d.parsed.chain) ?? [];
      list.push(d);
      chains.set(d.parsed.chain, list);
      this.folders.set(d.parsed.logFolder, chains);
    }
    for (const chains of this.folders.values())
      for (const list of chains.values()) list.sort((a, b) => a.start! - b.start!);
  }

  judge(f: LogFileInput): JudgedFile {
    const out = (status: FileStatus, reason: string): JudgedFile => ({
      file_id: f.file_id,
      location: f.location,
      status,
      reason,
    });
    const place = parseLogPlace(f.location);
    const key = place?.key ?? trailKey(f.location);
    const listings = key ? (this.listed.get(key) ?? []) : [];
    if (listings.length > 0) {
      const first = shortName(listings[0]!.digest.name);
      if (!f.sha256)
        return out(
          'tampered',
          `listed in ${first}, but unreadable here (${f.error ?? 'no content hash'}): not the file CloudTrail delivered`,
        );
      const matching = listings.filter((l) => l.hash === f.sha256);
      if (matching.length === 0) return out('tampered', `SHA-256 differs from what ${first} lists: modified`);
      const good = matching.find((l) => l.digest.status === 'valid');
      if (good) return out('valid', `listed in ${shortName(good.digest.name)}`);
      const m = matching[0]!.digest;
      return out(
        'unverified',
        `listed with its SHA-256 in ${shortName(m.name)}, but that digest is ${m.status}: ${m.reason}`,
      );
    }
    if (!place)
      return out(
        'unverified',
        'not in a CloudTrail layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/): no digest can list it',
      );
    if (place.kind !== 'CloudTrail')
      return out(
        'unverified',
        `in ${place.kind}/: verify checks the digests of CloudTrail/ log folders only`,
      );
    if (place.deliveredAt === null)
      return out('unverified', place.nameProblem ?? `not named ${LOG_NAME_PATTERN}`);

    const at = place.deliveredAt;
    const from = at - BEFORE;
    const to = at + AFTER;
    const covering: JudgedDigest[] = [];
    let blocker: JudgedDigest | null = null;
    let relevant = 0;
    let complete = true;
    for (const list of this.folders.get(place.folder)?.values() ?? []) {
      if (list[0]!.start! >= to || list.at(-1)!.end! <= from) continue;
      relevant++;
      const overlapping = list.filter((d) => d.start! < to && d.end! > from);
      blocker ??= overlapping.find((d) => !usable(d)) ?? null;
      const good = overlapping.filter(usable);
      covering.push(...good);
      if (!covers(good, from, to)) complete = false;
    }
    if (relevant > 0 && complete) {
      const names = covering.map((d) => shortName(d.name)).join(', ');
      return out(
        'tampered',
        `inserted: delivered ${isoMinute(at)} by its name, but not listed in ${names}, which cover that time`,
      );
    }
    const unauthentic = key ? this.listedUnauthentic.get(key) : undefined;
    if (unauthentic)
      return out(
        'unverified',
        `listed only in ${shortName(unauthentic.name)}, which is ${unauthentic.status}: ${unauthentic.reason}`,
      );
    if (blocker)
      return out(
        'unverified',
        `the digest for its delivery time, ${shortName(blocker.name)}, is ${blocker.status}: ${blocker.reason}`,
      );
    if (relevant > 0)
      return out(
        'unverified',
        `no ingested digest covers its delivery time ${isoMinute(at)}: a digest of its chain is missing`,
      );
    return out('unverified', `no ingested digest covers its delivery time ${isoMinute(at)}`);
  }

  /** Files an authentic digest lists that were never ingested, for the digests and times in scope. */
  listedMissing(
    digests: JudgedDigest[],
    present: Set<string>,
    inScope: (deliveredAt: number | null) => boolean,
  ): ListedMissing[] {
    const out = new Map<string, ListedMissing>();
    for (const d of digests) {
      if (!usable(d)) continue;
      for (const e of d.entries ?? []) {
        if (present.has(e.key) || out.has(e.key)) continue;
        if (!inScope(parseLogPlace(e.key)?.deliveredAt ?? d.start)) continue;
        out.set(e.key, {
          location: e.key,
          reason: `listed in ${shortName(d.name)}, but not ingested: deleted?`,
        });
      }
    }
    return [...out.values()];
  }
}

/** An authentic digest with a readable list: what it says about files is true. */
const usable = (d: JudgedDigest) => d.authenticated !== null && d.entries !== null && d.status !== 'invalid';

function covers(digests: JudgedDigest[], from: number, to: number): boolean {
  let reach = from;
  for (const d of [...digests].sort((a, b) => a.start! - b.start!)) {
    if (d.start! > reach) return false;
    reach = Math.max(reach, d.end!);
    if (reach >= to) return true;
  }
  return reach >= to;
}
