// What a trail file's place and name say (reference §6.1, §6.3): the key from AWSLogs/ on, which
// log folder it belongs to, the delivery time in a log file's name, and which chain a digest is in.
// verify only ever trusts a name that a signature covers; these parsers just read them.
import { utcMs } from '../core/time.ts';

/** The part of a location from its last AWSLogs/ on: how a local copy, an S3 key and a digest entry meet. */
export function trailKey(location: string): string | null {
  const path = location.replaceAll('\\', '/');
  if (path.startsWith('AWSLogs/')) return path;
  const i = path.lastIndexOf('/AWSLogs/');
  return i < 0 ? null : path.slice(i + 1);
}

const LOG_PATH =
  /^AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/(CloudTrail|CloudTrail-Insight|CloudTrail-NetworkActivity)\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/([^/]+)$/;
// <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>, then any suffix: a forged file does not
// get to hide from the delivery-time check by calling itself .json, .ndjson or nothing at all
const LOG_NAME =
  /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_([A-Za-z0-9]+)(?:\.[^/]*)?$/;

export interface LogPlace {
  key: string;
  /** AWSLogs/[o-…/]<account>/CloudTrail/<region>: the folder one region's digests vouch for */
  folder: string;
  kind: 'CloudTrail' | 'CloudTrail-Insight' | 'CloudTrail-NetworkActivity';
  account: string;
  region: string;
  name: string;
  /** delivery minute from the name (ms), or null with the reason in nameProblem */
  deliveredAt: number | null;
  nameProblem: string | null;
}

export const LOG_NAME_PATTERN = '<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>';

/** A log file's place in a trail, or null when its location is not in a CloudTrail layout. */
export function parseLogPlace(location: string): LogPlace | null {
  const key = trailKey(location);
  const m = key ? LOG_PATH.exec(key) : null;
  if (!key || !m) return null;
  const org = m[1];
  const [account, kind, region, name] = [m[2]!, m[3]!, m[4]!, m[5]!];
  const place: LogPlace = {
    key,
    folder: `AWSLogs/${org ? `${org}/` : ''}${account}/CloudTrail/${region}`,
    kind: kind as LogPlace['kind'],
    account,
    region,
    name,
    deliveredAt: null,
    nameProblem: null,
  };
  const n = LOG_NAME.exec(name);
  if (!n) {
    place.nameProblem = `name is not a CloudTrail log file name (${LOG_NAME_PATTERN})`;
    return place;
  }
  if (n[1] !== account || n[2] !== region) {
    place.nameProblem = `name says account ${n[1]} region ${n[2]}, but it sits in the folder of ${account} ${region}`;
    return place;
  }
  const at = utcMs(+n[3]!, +n[4]!, +n[5]!, +n[6]!, +n[7]!, 0);
  if (at === null) place.nameProblem = 'name holds an impossible delivery time';
  else place.deliveredAt = at;
  return place;
}

const DIGEST_PATH =
  /^AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)(_backfill)?\.json\.gz$/;

export interface DigestName {
  key: string;
  /** one trail's digests for one account and region: organization, account, region, trail, home region */
  chain: string;
  /** the log folder whose files these digests list */
  logFolder: string;
  account: string;
  region: string;
  trail: string;
  homeRegion: string;
  backfill: boolean;
}

/** Reads a digest's own (signed) digestS3Object; null when it is not a CloudTrail digest name. */
export function parseDigestName(s3Object: string): DigestName | null {
  const key = trailKey(s3Object);
  const m = key ? DIGEST_PATH.exec(key) : null;
  if (!key || !m) return null;
  const [, org, account, region, nameAccount, nameRegion, trail, home, , backfill] = m as unknown as string[];
  if (nameAccount !== account || nameRegion !== region) return null;
  const orgPart = org ? `${org}/` : '';
  return {
    key,
    chain: `${orgPart}${account}/${region}/${trail}/${home}`,
    logFolder: `AWSLogs/${orgPart}${account}/CloudTrail/${region}`,
    account: account!,
    region: region!,
    trail: trail!,
    homeRegion: home!,
    backfill: backfill !== undefined,
  };
}

/** A digest time field (digestStartTime, digestEndTime) in ms, or null when it is not a time. */
export function parseTime(value: string | null): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** A digest's file name: account, Region, trail and end time, enough to name it in a sentence. */
export const shortName = (key: string) => key.slice(key.lastIndexOf('/') + 1);
