// What an S3 key (or a local path mirroring one) says about a CloudTrail file. The account in a key
// is only where the file was delivered; the records' own recipientAccountId is what events carry.
export interface Layout {
  orgId: string | null;
  accountId: string | null;
  region: string | null;
  date: string | null; // YYYY-MM-DD of the delivery folder
  folder: 'CloudTrail' | 'CloudTrail-Digest' | 'CloudTrail-Insight' | 'CloudTrail-NetworkActivity' | null;
}

const LAYOUT =
  /AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/(CloudTrail|CloudTrail-Digest|CloudTrail-Insight|CloudTrail-NetworkActivity)\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\//;

export function parseLayout(location: string): Layout {
  const m = LAYOUT.exec(location.replaceAll('\\', '/'));
  if (!m) return { orgId: null, accountId: null, region: null, date: null, folder: null };
  return {
    orgId: m[1] ?? null,
    accountId: m[2]!,
    folder: m[3] as Layout['folder'],
    region: m[4]!,
    date: `${m[5]}-${m[6]}-${m[7]}`,
  };
}

export function isDigestLocation(location: string): boolean {
  return /(^|\/)CloudTrail-Digest\//.test(location) || /_CloudTrail-Digest_/.test(location);
}

/**
 * Names that make a walked file be read whatever its first bytes look like, so a damaged log is
 * rejected with its fault rather than skipped; other files are read when their content is JSON,
 * gzip or zip. A path named on the command line is always read.
 */
export function isLogFileName(name: string): boolean {
  return /\.(json|jsonl|ndjson)(\.gz)?$|\.json\.cloudtrail$|\.zip$/i.test(name);
}
