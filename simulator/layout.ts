// Where CloudTrail puts its files in the trail bucket (reference §6.1): a folder per account,
// Region and UTC day, and file names stamped in compact UTC, to the minute for a log file and to
// the second for a digest.
import { isoMinute, isoSeconds } from '../core/time.ts';

export type FileKind = 'CloudTrail' | 'CloudTrail-Digest';

/** AWSLogs/<org>/<account>/<kind>/<region>/YYYY/MM/DD, for the UTC day of `t`. */
export function trailFolder(
  orgId: string,
  account: string,
  kind: FileKind,
  region: string,
  t: number,
): string {
  const [y, mo, da] = isoSeconds(t).slice(0, 10).split('-');
  return ['AWSLogs', orgId, account, kind, region, y, mo, da].join('/');
}

/** 20260301T1205Z: the minute a log file was delivered. */
export const logStamp = (t: number) => isoMinute(t).replace(/[-:]/g, '');

/** 20260301T010000Z: the end of the hour a digest covers. */
export const digestStamp = (t: number) => isoSeconds(t).replace(/[-:]/g, '');
