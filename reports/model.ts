// The parts every report's view model shares: findings (one shape for every report, as controls
// have one shape), the coverage banner and the header. Templates only lay these out.
import { z } from 'zod';

export const Status = z.enum(['pass', 'fail', 'unknown']);
export type Status = z.infer<typeof Status>;

export const Finding = z.object({
  resource_arn: z.string(),
  account_id: z.string().nullable(),
  region: z.string().nullable(),
  status: Status,
  reason: z.string(),
  check: z.string(),
  /** who and when, for findings that come from an action */
  principal_arn: z.string().nullable().default(null),
  at: z.string().nullable().default(null),
  event_ids: z.array(z.string()).default([]),
});
export type Finding = z.infer<typeof Finding>;

export const CoverageRow = z.object({
  account_id: z.string(),
  region: z.string(),
  sources: z.string(),
  window_start: z.string(),
  window_end: z.string(),
  units: z.coerce.number(),
  events: z.coerce.number(),
  errors: z.coerce.number(),
  skipped: z.coerce.number(),
  truncated: z.coerce.number(),
});

export const GapRow = z.object({
  account_id: z.string(),
  region: z.string(),
  day: z.string(),
  reason: z.string(),
});

export const Banner = z.object({
  accounts: z.array(z.string()),
  regions: z.array(z.string()),
  first_event: z.string().nullable(),
  last_event: z.string().nullable(),
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
  digest_summary: z.string(),
  warnings: z.array(z.string()),
});
export type Banner = z.infer<typeof Banner>;

export const Header = z.object({
  report: z.string(),
  title: z.string(),
  organization: z.string(),
  generated_at: z.string(),
  as_of: z.string(),
  since: z.string().nullable(),
  until: z.string().nullable(),
  subject: z.string().nullable(),
  filters: z.array(z.object({ name: z.string(), value: z.string() })),
  version: z.string(),
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

/** Fail first, then unknown, then pass; stable within each. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank: Record<Status, number> = { fail: 0, unknown: 1, pass: 2 };
  return [...findings].sort((a, b) => rank[a.status] - rank[b.status]);
}
