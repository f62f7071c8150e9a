// dr_coverage for S3 buckets that replicate: a bucket is covered while a replication to another
// region stands and its role's KMS calls go through. A replication that fails (the role denied by
// a key) or ended, or one that stays in the bucket's own region, is a finding. Replication is
// continuous, so there is no copy age to hold against an RPO; the evidence is the role's calls.
import type { Status } from '../model.ts';
import type { CopyRow } from '../rows.ts';

export const S3_REQUIREMENT = 's3_replication';

export interface S3Row {
  requirement: string;
  resource_id: string;
  family: string;
  account_id: string | null;
  region: string | null;
  target: string;
  rpo: string;
  status: Status;
  reason: string;
  copy_id: string | null;
  copy_target: string | null;
  copied_at: string | null;
  age: string | null;
  age_hours: number | null;
  rpo_hours: number;
  mechanism: string | null;
  key_arn: string | null;
  key_owner: string | null;
  evidence_event_ids: string[];
}

const target = (c: CopyRow) =>
  `bucket ${c.target_id ?? '?'} in ${c.target_region ?? 'an unknown region'} / ${c.target_account ?? '?'}`;

/** One row per source bucket with a replication configured by `asOf`: is it covered elsewhere? */
export function s3ReplicationRows(copies: CopyRow[], asOf: string): S3Row[] {
  const byBucket = new Map<string, CopyRow[]>();
  for (const c of copies) {
    if (c.kind !== 's3_replication' || !c.source_id || (c.requested_at ?? '') >= asOf) continue;
    const k = `${c.source_account}|${c.source_region}|${c.source_id}`;
    byBucket.set(k, [...(byBucket.get(k) ?? []), c]);
  }
  const rows: S3Row[] = [];
  for (const edges of byBucket.values()) {
    const first = edges[0]!;
    const standing = edges.filter((c) => !c.ended_at || c.ended_at > asOf);
    const elsewhere = standing.filter((c) => c.target_region !== first.source_region);
    const healthy = elsewhere.filter((c) => c.status === 'active' && c.target_region);
    const failing = elsewhere.filter((c) => c.status === 'failing');
    let status: Status;
    let reason: string;
    let chosen: CopyRow;
    if (healthy.length) {
      chosen = healthy[0]!;
      status = 'pass';
      reason = `replicated continuously to ${target(chosen)}, ${
        chosen.kms_certain > 0
          ? `${chosen.kms_certain} replication call(s) in KMS`
          : 'declared, no evidence (SSE-S3 leaves no KMS record)'
      }`;
    } else if (failing.length) {
      chosen = failing[0]!;
      status = 'fail';
      reason = `replication to ${target(chosen)} is failing: the replication role's KMS calls are denied`;
    } else if (elsewhere.length) {
      chosen = elsewhere[0]!;
      status = 'unknown';
      reason = `replication to ${target(chosen)}: the destination's region is not known from the records`;
    } else if (standing.length) {
      chosen = standing[0]!;
      status = 'fail';
      reason = `replicated only within its own region (${target(chosen)})`;
    } else {
      chosen = edges.reduce((a, b) => ((b.ended_at ?? '') > (a.ended_at ?? '') ? b : a));
      status = 'fail';
      reason = `replication to ${target(chosen)} ended at ${chosen.ended_at}`;
    }
    rows.push({
      requirement: S3_REQUIREMENT,
      resource_id: first.source_id!,
      family: 's3',
      account_id: first.source_account,
      region: first.source_region,
      target: 'any other region',
      rpo: 'continuous',
      status,
      reason,
      copy_id: chosen.copy_id,
      copy_target: `${chosen.target_id ?? '?'} in ${chosen.target_region ?? '?'} / ${chosen.target_account ?? '?'}`,
      copied_at: chosen.requested_at,
      age: null,
      age_hours: null,
      rpo_hours: 0,
      mechanism: chosen.mechanism,
      key_arn: chosen.target_key_arn,
      key_owner: chosen.target_key_arn ? (chosen.target_key_account ?? chosen.target_account) : null,
      evidence_event_ids: [chosen.request_event_id],
    });
  }
  return rows.sort((a, b) => a.resource_id.localeCompare(b.resource_id));
}
