// The parts every report's view model shares: findings (one shape for every report, as controls
// have one shape), the coverage banner and the header. Templates only lay these out.
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
