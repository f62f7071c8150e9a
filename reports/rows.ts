// Row contracts of the queries every report shares (queries/reports/common/).
import { z } from 'zod';

const ids = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(z.string()));

/** How a copy's stored chain ended (queries/correlate/copy_chains.sql); null before correlate stored it. */
export const ChainStatus = z.enum(['complete', 'cycle', 'too_long']);

export const CopyRow = z.object({
  copy_id: z.string(),
  kind: z.string(),
  api: z.string(),
  mechanism: z.string(),
  status: z.string(),
  error_code: z.string().nullable(),
  requested_at: z.string().nullable(),
  request_event_id: z.string(),
  principal_arn: z.string().nullable(),
  source_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  source_id: z.string().nullable(),
  source_region: z.string().nullable(),
  source_account: z.string().nullable(),
  source_key_arn: z.string().nullable(),
  target_id: z.string().nullable(),
  target_region: z.string().nullable(),
  target_account: z.string().nullable(),
  target_key_arn: z.string().nullable(),
  target_key_aws_managed: z.boolean().nullable(),
  target_key_account: z.string().nullable(),
  key_change: z.string().nullable(),
  parent_copy_id: z.string().nullable(),
  /** copy ids from the chain's root to this copy, this copy last */
  chain: ids.nullable(),
  chain_status: ChainStatus.nullable(),
  resource_id: z.string().nullable(),
  resource_account: z.string().nullable(),
  resource_region: z.string().nullable(),
  resource_kind: z.string().nullable(),
  evidence: z.coerce.number(),
  kms_certain: z.coerce.number(),
  evidence_event_ids: ids,
});
export type CopyRow = z.infer<typeof CopyRow>;

/**
 * The copies as read, once correlate has stored their chains. A store migrated from before chains
 * were stored has none until correlate runs again; a report from it would lose every copy's origin.
 */
export function chained(copies: CopyRow[]): CopyRow[] {
  const missing = copies.filter((c) => c.chain_status === null).length;
  if (missing) {
    throw new Error(
      `${missing} copies have no stored copy chain (correlated by an older copytrail): run copytrail correlate`,
    );
  }
  return copies;
}

export const ShareRow = z.object({
  artifact_id: z.string(),
  artifact_kind: z.string().nullable(),
  region: z.string().nullable(),
  from_account: z.string().nullable(),
  to_account: z.string(),
  action: z.string(),
  event_time: z.string().nullable(),
  event_id: z.string(),
  actor_arn: z.string().nullable(),
});
export type ShareRow = z.infer<typeof ShareRow>;

export const KeyRow = z.object({
  key_arn: z.string(),
  region: z.string().nullable(),
  account_id: z.string().nullable(),
  key_id: z.string().nullable(),
  mrk: z.boolean(),
  aws_managed: z.boolean().nullable(),
  aliases: ids,
  uses: z.coerce.number(),
  first_used: z.string().nullable(),
  last_used: z.string().nullable(),
});
export type KeyRow = z.infer<typeof KeyRow>;

export const ArtifactRow = z.object({
  artifact_id: z.string(),
  arn: z.string().nullable(),
  kind: z.string(),
  region: z.string().nullable(),
  account_id: z.string().nullable(),
  created_at: z.string().nullable(),
  origin: z.string().nullable(),
  context_id: z.string().nullable(),
  key_arn: z.string().nullable(),
  created_event_id: z.string().nullable(),
});
export type ArtifactRow = z.infer<typeof ArtifactRow>;

/** An ARN-shaped name for a finding's resource, from what the records tell. */
export function resourceArn(
  kind: string | null,
  id: string | null,
  region: string | null,
  account: string | null,
) {
  if (!id) return '(unknown)';
  if (id.startsWith('arn:')) return id;
  const r = region ?? '';
  const a = account ?? '';
  if (id.startsWith('snap-')) return `arn:aws:ec2:${r}::snapshot/${id}`;
  if (id.startsWith('ami-')) return `arn:aws:ec2:${r}::image/${id}`;
  if (id.startsWith('vol-')) return `arn:aws:ec2:${r}:${a}:volume/${id}`;
  // an RDS resource id (dbiResourceId / cluster resource id) names the DB behind its snapshots
  if (/^(db|cluster)-[A-Z0-9]+$/.test(id)) return `arn:aws:rds:${r}:${a}:db:${id}`;
  if (kind === 'rds_cluster_snapshot') return `arn:aws:rds:${r}:${a}:cluster-snapshot:${id}`;
  if (kind?.startsWith('rds')) return `arn:aws:rds:${r}:${a}:snapshot:${id}`;
  return id;
}
