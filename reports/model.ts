// The parts every report's view model shares: findings (one shape for every report, as controls
// have one shape), the coverage banner and the header. Templates only lay these out.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { count, text, textOrNull } from './fields.ts';

export const Status = z.enum(['pass', 'fail', 'unknown']);
export type Status = z.infer<typeof Status>;

export const Finding = z.object({
  resource_arn: text,
  account_id: textOrNull,
  region: textOrNull,
  status: Status,
  reason: text,
  check: text,
  /** who and when, for findings that come from an action */
  principal_arn: textOrNull.default(null),
  at: textOrNull.default(null),
  event_ids: z.array(text).default([]),
});
export type Finding = z.infer<typeof Finding>;

export const CoverageRow = z.object({
  account_id: text,
  region: text,
  sources: text,
  window_start: text,
  window_end: text,
  units: count,
  events: count,
  errors: count,
  skipped: count,
  truncated: count,
});

export const GapRow = z.object({
  account_id: text,
  region: text,
  day: text,
  reason: text,
});

export const Banner = z.object({
  accounts: z.array(text),
  regions: z.array(text),
  first_event: textOrNull,
  last_event: textOrNull,
  events: z.number(),
  cells: z.array(CoverageRow),
  gaps: z.array(GapRow),
  gaps_truncated: z.boolean(),
  /** log files by verify status (unchecked: verify has not run); API pages apart, no digest covers them */
  digests: z.object({
    valid: z.number(),
    tampered: z.number(),
    unverified: z.number(),
    unchecked: z.number(),
    api_pages: z.number(),
  }),
  digest_summary: text,
  warnings: z.array(text),
});
export type Banner = z.infer<typeof Banner>;

export const Header = z.object({
  report: text,
  /** names this rendering on every printed page: the same inputs give the same id (reportId) */
  report_id: text,
  title: text,
  organization: text,
  generated_at: text,
  as_of: text,
  since: textOrNull,
  until: textOrNull,
  subject: textOrNull,
  filters: z.array(z.object({ name: text, value: text })),
  version: text,
});
export type Header = z.infer<typeof Header>;

export const Summary = z.object({
  pass: z.number(),
  fail: z.number(),
  unknown: z.number(),
  total: z.number(),
});

export function summarize(findings: Finding[]): z.infer<typeof Summary> {
  const s = { pass: 0, fail: 0, unknown: 0, total: findings.length };
  for (const f of findings) s[f.status]++;
  return s;
}

/** Where a status sorts: fail first, then unknown, then pass. */
export const STATUS_RANK: Record<Status, number> = { fail: 0, unknown: 1, pass: 2 };

/** Fail first, then unknown, then pass; stable within each. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);
}

/**
 * A UUID-shaped id for one rendering of a report, derived from what defines it (report, clock,
 * subject, window, organization) so that golden files and re-renders of the same inputs agree.
 */
export function reportId(
  h: Pick<Header, 'report' | 'generated_at' | 'subject' | 'since' | 'until' | 'organization'>,
) {
  const hex = createHash('sha256')
    .update(JSON.stringify([h.report, h.generated_at, h.subject, h.since, h.until, h.organization]))
    .digest('hex');
  // version 5 / RFC 4122 variant bits, so tools that parse UUIDs accept it
  const v = `5${hex.slice(13, 16)}`;
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${v}-${variant}-${hex.slice(20, 32)}`;
}

export const Verdict = z.enum(['PASS', 'FAIL', 'UNKNOWN']);

/** The report's one-line verdict: any fail fails it; else any unknown (or nothing judged) leaves it unknown. */
export function verdict(s: z.infer<typeof Summary>): { verdict: z.infer<typeof Verdict>; line: string } {
  const v = s.fail > 0 ? 'FAIL' : s.unknown > 0 || s.total === 0 ? 'UNKNOWN' : 'PASS';
  const n = (x: number) => x.toLocaleString('en-US');
  const line =
    s.total === 0
      ? `${v} — nothing was judged (no findings)`
      : `${v} — ${n(s.fail)} fail, ${n(s.unknown)} unknown, ${n(s.pass)} pass`;
  return { verdict: v, line };
}
