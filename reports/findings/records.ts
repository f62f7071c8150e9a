// The one flat shape every machine-readable findings format (OSCAL, OCSF, CSV) is written from, so
// the three cannot disagree: a stable finding id, its status and severity, the resource with its
// account and region, the jurisdiction or DR requirement it was judged against, and the evidence.
import { hash } from 'node:crypto';
import { ACCOUNT_ID, REGION_CODE } from '../../core/aws-ids.ts';
import { regionInfo } from '../../core/regions.ts';
import type { ReportId } from '../ids.ts';
import type { Finding, Header, Status } from '../model.ts';

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface FindingRecord {
  /** stable for the same inputs: `<check>-<16 hex>` (see findingId) */
  id: string;
  report: ReportId;
  status: Status;
  severity: Severity;
  check: string;
  title: string;
  resource: string;
  account: string | null;
  region: string | null;
  /** residency: where the resource's region puts the data (US, EU, UK, ...) */
  jurisdiction: string | null;
  /** dr_coverage: the requirement (config `dr.requirements[].id`) the cell was judged against */
  requirement: string | null;
  message: string;
  principal: string | null;
  at: string | null;
  /** CloudTrail event ids that prove the finding, the triggering event first */
  evidence: string[];
}

/** What the report was judged against, for the formats that name a policy. */
export interface FindingsRun {
  report: ReportId;
  title: string;
  header: Header;
  /** one line per rule of the policy the findings were judged against */
  policy: string[];
  /** the policy line a check was judged against, where one rule stands apart (a DR requirement) */
  control: Record<string, string>;
  /** where the ingested evidence begins (the report's window, else the first event ingested) */
  evidenceStart: string | null;
  records: FindingRecord[];
}

/**
 * How bad a FAIL of each check is. A check not listed (a DR requirement id, which the config names)
 * is `high`: a resource without a restorable copy, a copy in a forbidden place or a share to an
 * outsider is data exposed or lost. Keys are `medium`: key material elsewhere is a route to the
 * data, not the data. UNKNOWN is one step below its FAIL (nothing proven either way) and PASS is
 * informational.
 */
const FAIL_SEVERITY: Record<string, Severity> = {
  key_location: 'medium',
  associated_key: 'medium',
  key_region: 'medium',
};

export function severityOf(report: ReportId, check: string, status: Status): Severity {
  if (status === 'pass') return 'informational';
  // a DR requirement is named in the config: its name says nothing about its weight
  const fail = (report !== 'dr_coverage' && FAIL_SEVERITY[check]) || 'high';
  return status === 'fail' ? fail : SEVERITIES[Math.max(1, SEVERITIES.indexOf(fail) - 1)]!;
}

const CHECK_TITLES: Record<string, string> = {
  data_location: 'Data location',
  copy_destination: 'Copy destination',
  key_location: 'Key location',
  associated_key: 'Associated key location',
  share: 'Share',
  copy: 'Copy',
  key_region: 'Key use region',
};

/** `arn:partition:service:region:account:resource`: the region and account, where the ARN names them. */
export function arnParts(arn: string): { region: string | null; account: string | null } {
  const p = arn.startsWith('arn:') ? arn.split(':') : [];
  const region = p[3] && REGION_CODE.test(p[3]) ? p[3] : null;
  const account = p[4] && ACCOUNT_ID.test(p[4]) ? p[4] : null;
  return { region, account };
}

const hex = (s: string) => hash('sha256', s, 'hex');

/**
 * A finding's id, stable across reruns of the same inputs and across a change of verdict: the check,
 * the resource and what singles the finding out among that resource's findings (the DR target, else
 * the triggering event). Two findings that still collide are numbered in report order.
 */
function findingId(report: string, check: string, resource: string, discriminator: string): string {
  const safe = check.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64) || 'check';
  return `${safe}-${hex(JSON.stringify([report, check, resource, discriminator])).slice(0, 16)}`;
}

/** The DR rows a dr_coverage model carries, which name each cell's requirement and target. */
interface DrRow {
  requirement: string;
  resource_id: string;
  target: string;
  status: Status;
}

function drRows(model: Record<string, unknown>, findings: Finding[]): DrRow[] | null {
  const rows = model.rows as DrRow[] | undefined;
  // the builder makes findings from rows in the same order; anything else and the rows are not used
  if (!Array.isArray(rows) || rows.length !== findings.length) return null;
  const aligned = rows.every(
    (r, i) =>
      findings[i]!.status === r.status &&
      findings[i]!.check === r.requirement &&
      findings[i]!.resource_arn.includes(r.resource_id),
  );
  return aligned ? rows : null;
}

export function findingRecords(
  report: ReportId,
  model: { findings: Finding[] } & Record<string, unknown>,
): FindingRecord[] {
  const findings = model.findings;
  const rows = report === 'dr_coverage' ? drRows(model, findings) : null;
  const seen = new Map<string, number>();
  return findings.map((f, i) => {
    const fromArn = arnParts(f.resource_arn);
    const row = rows?.[i];
    const base = findingId(report, f.check, f.resource_arn, row ? row.target : (f.event_ids[0] ?? ''));
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const region = f.region ?? fromArn.region;
    const checkTitle =
      report === 'dr_coverage' ? `DR requirement ${f.check}` : (CHECK_TITLES[f.check] ?? f.check);
    return {
      id: n === 1 ? base : `${base}-${n}`,
      report,
      status: f.status,
      severity: severityOf(report, f.check, f.status),
      check: f.check,
      title: `${checkTitle}: ${f.resource_arn}`,
      resource: f.resource_arn,
      account: f.account_id ?? fromArn.account,
      region,
      jurisdiction: report === 'residency' ? (regionInfo(region)?.jurisdiction ?? null) : null,
      requirement: report === 'dr_coverage' ? f.check : null,
      message: f.reason,
      principal: f.principal_arn,
      at: f.at,
      evidence: f.event_ids,
    };
  });
}

interface DrRequirement {
  id: string;
  description: string;
  targets: string;
  rpo: string;
  key: string;
}

const requirementLine = (r: DrRequirement) =>
  `${r.id}: ${r.description} (targets: ${r.targets}; RPO ${r.rpo}; key: ${r.key})`;

/** The policy lines each report was judged against, from its view model. */
export function policyLines(report: ReportId, model: Record<string, unknown>): string[] {
  if (report === 'residency' && typeof model.policy === 'string') return [model.policy];
  if (report === 'dr_coverage' && Array.isArray(model.requirements)) {
    return (model.requirements as DrRequirement[]).map(requirementLine);
  }
  if (report === 'forensics') {
    return [
      'Flags a copy to an untrusted account or outside the residency policy, a copy without KMS evidence, a copy-out to S3, moved key material, a failing replication, a copy by an unexpected principal, a share to an untrusted party and a key used in an unexpected region.',
    ];
  }
  return [];
}

export function findingsRun(
  report: ReportId,
  title: string,
  model: { findings: Finding[] } & Record<string, unknown>,
  header: Header,
): FindingsRun {
  const requirements =
    report === 'dr_coverage' && Array.isArray(model.requirements) ? model.requirements : [];
  const banner = model.banner as { first_event?: string | null } | undefined;
  return {
    report,
    title,
    header,
    policy: policyLines(report, model),
    control: Object.fromEntries((requirements as DrRequirement[]).map((r) => [r.id, requirementLine(r)])),
    evidenceStart: header.since ?? banner?.first_event ?? null,
    records: findingRecords(report, model),
  };
}
