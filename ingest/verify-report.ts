// What `verify` found, as counts per status and findings grouped by what they mean, and its text form.
// Locations and reasons come from file names and digest fields, so they are printed without control
// characters: a crafted name must not be able to move the cursor or forge a line of the report.
import { terminalSafe } from '../core/cli-kit.ts';

export type FindingKind =
  | 'tampered'
  | 'listed_missing'
  | 'invalid_digest'
  | 'chain'
  | 'unverified_digest'
  | 'unreadable_digest'
  | 'unverified';

export interface Finding {
  kind: FindingKind;
  location: string;
  reason: string;
}

export interface VerifyReport {
  scope: { sources: string[]; since: string | null; until: string | null };
  logFiles: { valid: number; tampered: number; unverified: number };
  digests: { valid: number; invalid: number; unverified: number; unreadable: number };
  /** valid digests whose own signature was missing, authenticated through their successor */
  viaSuccessor: number;
  listedMissing: number;
  chainProblems: number;
  /** LookupEvents, Athena and Lake pages: no digest covers them */
  apiPages: number;
  findings: Finding[];
  /** every in-scope log file and digest valid, nothing missing, every chain whole */
  ok: boolean;
  /** problems that are evidence of tampering: tampered or deleted log files, digests that fail */
  tampered: number;
}

const TITLES: Record<FindingKind, string> = {
  tampered: 'tampered log files (modified, or inserted where an authentic digest would list them)',
  listed_missing: 'log files an authentic digest lists that were not ingested',
  invalid_digest: 'invalid digests (signature fails, modified, malformed, or moved)',
  chain: 'holes in digest chains',
  unreadable_digest: 'digest files that could not be read',
  unverified_digest: 'unverified digests (unsigned, untrusted key, or not linked to their chain)',
  unverified: 'unverified log files',
};

const WHERE: Partial<Record<FindingKind, string>> = {
  tampered:
    'copytrail query "select location, digest_reason from ingested_files where digest_status = \'tampered\'"',
  unverified:
    'copytrail query "select location, digest_reason from ingested_files where digest_status = \'unverified\'"',
  invalid_digest:
    'copytrail query "select f.location, d.status_reason from digests d join ingested_files f using (file_id) where d.status = \'invalid\'"',
  unverified_digest:
    'copytrail query "select f.location, d.status_reason from digests d join ingested_files f using (file_id) where d.status = \'unverified\'"',
};

export function formatVerifyReport(r: VerifyReport, limit = 20): string {
  const scope = [`sources ${r.scope.sources.join(', ')}`];
  if (r.scope.since || r.scope.until)
    scope.push(`delivered ${r.scope.since ?? 'any time'} to ${r.scope.until ?? 'any time'}`);
  const lines = [
    `scope:     ${scope.join('; ')}`,
    `log files: ${r.logFiles.valid} valid, ${r.logFiles.tampered} tampered, ${r.logFiles.unverified} unverified`,
    `digests:   ${r.digests.valid} valid, ${r.digests.invalid} invalid, ${r.digests.unverified} unverified${r.digests.unreadable ? `, ${r.digests.unreadable} unreadable` : ''}${r.viaSuccessor ? ` (${r.viaSuccessor} valid through their successor's signature)` : ''}`,
    `missing:   ${r.listedMissing} listed log files not ingested, ${r.chainProblems} holes in digest chains`,
  ];
  if (r.apiPages > 0)
    lines.push(`API pages: ${r.apiPages} (lookup, athena, lake): not covered by digests, not counted above`);
  for (const kind of Object.keys(TITLES) as FindingKind[]) {
    const found = r.findings.filter((f) => f.kind === kind);
    if (found.length === 0) continue;
    lines.push(`${TITLES[kind]} (${found.length}):`);
    for (const f of found.slice(0, limit))
      lines.push(`  ${terminalSafe(f.location)}: ${terminalSafe(f.reason)}`);
    if (found.length > limit) {
      const where = WHERE[kind];
      lines.push(`  … and ${found.length - limit} more${where ? `: ${where}` : ''}`);
    }
  }
  lines.push(verdict(r));
  return lines.join('\n');
}

function verdict(r: VerifyReport): string {
  const files = r.logFiles.valid + r.logFiles.tampered + r.logFiles.unverified;
  const digests = r.digests.valid + r.digests.invalid + r.digests.unverified + r.digests.unreadable;
  if (r.ok)
    return `VERIFIED: all ${files} log files and ${digests} digests valid, every chain linked; no tampering found`;
  if (files + digests === 0) return 'NOT VERIFIED: no log files or digests from a trail (dir or s3) in scope';
  const parts: string[] = [];
  if (r.logFiles.tampered) parts.push(`${r.logFiles.tampered} tampered log files`);
  if (r.listedMissing) parts.push(`${r.listedMissing} listed log files not ingested`);
  if (r.digests.invalid) parts.push(`${r.digests.invalid} invalid digests`);
  if (r.chainProblems) parts.push(`${r.chainProblems} chain holes`);
  if (r.logFiles.unverified) parts.push(`${r.logFiles.unverified} unverified log files`);
  if (r.digests.unverified + r.digests.unreadable)
    parts.push(`${r.digests.unverified + r.digests.unreadable} unverified or unreadable digests`);
  return `${r.tampered > 0 ? 'TAMPERING FOUND' : 'NOT VERIFIED'}: ${parts.join(', ')}`;
}
