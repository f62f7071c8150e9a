// A report's findings as OCSF 1.8.0 Compliance Finding events (class 2003), one JSON object per line,
// for a SIEM or data lake: the check's verdict in `compliance`, the resource with its AWS account and
// region (the `cloud` profile), and the CloudTrail events behind it as related events.
import type { Status } from '../model.ts';
import { arnParts, type FindingRecord, type FindingsRun, type Severity } from './records.ts';

export const OCSF_VERSION = '1.8.0';
const CLASS_UID = 2003;
const CATEGORY_UID = 2;
/** Create: each report run states its findings anew; a consumer keys them on finding_info.uid. */
const ACTIVITY_ID = 1;

const COMPLIANCE_STATUS: Record<Status, { status_id: number; status: string }> = {
  pass: { status_id: 1, status: 'Pass' },
  fail: { status_id: 3, status: 'Fail' },
  unknown: { status_id: 0, status: 'Unknown' },
};

const SEVERITY: Record<Severity, { severity_id: number; severity: string }> = {
  informational: { severity_id: 1, severity: 'Informational' },
  low: { severity_id: 2, severity: 'Low' },
  medium: { severity_id: 3, severity: 'Medium' },
  high: { severity_id: 4, severity: 'High' },
  critical: { severity_id: 5, severity: 'Critical' },
};

/** The kind of AWS resource an ARN names (`ec2:snapshot`, `kms:key`, `s3`), for `resources[].type`. */
function resourceType(arn: string): string | null {
  const p = arn.startsWith('arn:') ? arn.split(':') : [];
  if (p.length < 6) return null;
  const kind = p.slice(5).join(':').split(/[/:]/)[0];
  return p[2] ? (kind && p[2] !== 's3' ? `${p[2]}:${kind}` : p[2]) : null;
}

const partitionOf = (arn: string) => (arn.startsWith('arn:') ? arn.split(':')[1] || null : null);

const ms = (t: string) => Date.parse(t);

function event(run: FindingsRun, r: FindingRecord) {
  const h = run.header;
  const time = ms(h.generated_at);
  const resource = {
    uid: r.resource,
    ...(resourceType(r.resource) ? { type: resourceType(r.resource) } : {}),
    ...((r.region ?? arnParts(r.resource).region) ? { region: r.region ?? arnParts(r.resource).region } : {}),
    ...(partitionOf(r.resource) ? { cloud_partition: partitionOf(r.resource) } : {}),
    provider: 'AWS',
  };
  return {
    activity_id: ACTIVITY_ID,
    activity_name: 'Create',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: CLASS_UID * 100 + ACTIVITY_ID,
    type_name: 'Compliance Finding: Create',
    ...SEVERITY[r.severity],
    time,
    message: r.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'copytrail', vendor_name: 'copytrail', version: h.version },
      profiles: ['cloud'],
      log_name: run.report,
    },
    cloud: {
      provider: 'AWS',
      ...(r.region ? { region: r.region } : {}),
      ...(r.account ? { account: { uid: r.account, type_id: 10, type: 'AWS Account' } } : {}),
    },
    finding_info: {
      uid: r.id,
      title: r.title,
      desc: r.message,
      types: [r.check],
      created_time: time,
      ...(r.evidence.length
        ? { related_events: r.evidence.map((uid) => ({ uid, type: 'AWS CloudTrail event' })) }
        : {}),
    },
    compliance: {
      ...COMPLIANCE_STATUS[r.status],
      standards: [`copytrail ${run.report} policy`],
      control: r.check,
      ...(run.control[r.check]
        ? { desc: run.control[r.check] }
        : run.policy.length
          ? { desc: run.policy.join(' ') }
          : {}),
      ...(r.requirement ? { requirements: [r.requirement] } : {}),
    },
    resources: [resource],
    // copytrail's own context, with the values a finding lacks left out rather than null
    unmapped: Object.fromEntries(
      Object.entries({
        report: run.report,
        organization: h.organization,
        as_of: h.as_of,
        subject: h.subject,
        principal_arn: r.principal,
        at: r.at,
        jurisdiction: r.jurisdiction,
      }).filter(([, v]) => v !== null),
    ),
  };
}

/**
 * One event per line. JSON escapes line feeds and control characters but not U+0085, U+2028 and
 * U+2029, which some line readers (Python's splitlines) break on: those are escaped too, so no record
 * text can split an event.
 */
export function renderOcsf(run: FindingsRun): string {
  return run.records
    .map(
      (r) =>
        `${JSON.stringify(event(run, r)).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`,
    )
    .join('');
}
