// Row contracts of the queries every report shares (queries/reports/common/).
import { z } from 'zod';
import { COPY_OUT_KINDS, isKind } from '../core/copy-kinds.ts';
import { count, ids, text, textOrNull } from './fields.ts';

/** How a copy's stored chain ended (queries/correlate/copy_chains.sql); null before correlate stored it. */
export const ChainStatus = z.enum(['complete', 'cycle', 'too_long']);

export const CopyRow = z.object({
  copy_id: text,
  kind: text,
  api: text,
  mechanism: text,
  status: text,
  error_code: textOrNull,
  requested_at: textOrNull,
  request_event_id: text,
  principal_arn: textOrNull,
  source_ip: textOrNull,
  user_agent: textOrNull,
  source_id: textOrNull,
  source_region: textOrNull,
  source_account: textOrNull,
  source_key_arn: textOrNull,
  target_id: textOrNull,
  target_arn: textOrNull.optional().default(null),
  target_region: textOrNull,
  target_account: textOrNull,
  target_key_arn: textOrNull,
  target_key_aws_managed: z.boolean().nullable(),
  target_key_account: textOrNull,
  key_change: textOrNull,
  parent_copy_id: textOrNull,
  /** copy ids from the chain's root to this copy, this copy last */
  chain: ids.nullable(),
  chain_status: ChainStatus.nullable(),
  resource_id: textOrNull,
  resource_account: textOrNull,
  resource_region: textOrNull,
  resource_kind: textOrNull,
  evidence: count,
  kms_certain: count,
  evidence_event_ids: ids,
  /** S3 replication: when its configuration stopped naming the destination; null while it stands. */
  ended_at: textOrNull,
  /** when the copy's new artifact was deleted, if it was (DeleteSnapshot, DeleteRecoveryPoint, ...) */
  target_deleted_at: textOrNull,
});
export type CopyRow = z.infer<typeof CopyRow>;

/** What residency reads of a copy (queries/reports/residency/copies.sql). */
export const ResidencyCopyRow = CopyRow.pick({
  copy_id: true,
  kind: true,
  api: true,
  status: true,
  requested_at: true,
  request_event_id: true,
  principal_arn: true,
  source_id: true,
  source_region: true,
  source_account: true,
  target_id: true,
  target_arn: true,
  target_region: true,
  target_account: true,
  target_key_arn: true,
  chain: true,
  chain_status: true,
  ended_at: true,
});
export type ResidencyCopyRow = z.infer<typeof ResidencyCopyRow>;

/**
 * The copies as read, once correlate has stored their chains. A store migrated from before chains
 * were stored has none until correlate runs again; a report from it would lose every copy's origin.
 */
export function chained<T extends Pick<CopyRow, 'chain_status'>>(copies: T[]): T[] {
  const missing = copies.filter((c) => c.chain_status === null).length;
  if (missing) {
    throw new Error(
      `${missing} copies have no stored copy chain (correlated by an older copytrail): run copytrail correlate`,
    );
  }
  return copies;
}

export const ShareRow = z.object({
  artifact_id: text,
  artifact_kind: textOrNull,
  region: textOrNull,
  from_account: textOrNull,
  to_account: text,
  action: text,
  event_time: textOrNull,
  event_id: text,
  actor_arn: textOrNull,
  /** account | public | aws_backup_airgap (queries/correlate/rebuild_shares.sql) */
  recipient_class: textOrNull,
});
export type ShareRow = z.infer<typeof ShareRow>;

export const KeyRow = z.object({
  key_arn: text,
  region: textOrNull,
  account_id: textOrNull,
  key_id: textOrNull,
  mrk: z.boolean(),
  aws_managed: z.boolean().nullable(),
  aliases: ids,
  uses: count,
  first_used: textOrNull,
  last_used: textOrNull,
});
export type KeyRow = z.infer<typeof KeyRow>;

export const ArtifactRow = z.object({
  artifact_id: text,
  arn: textOrNull,
  kind: text,
  region: textOrNull,
  account_id: textOrNull,
  created_at: textOrNull,
  origin: textOrNull,
  context_id: textOrNull,
  key_arn: textOrNull,
  created_event_id: textOrNull,
});
export type ArtifactRow = z.infer<typeof ArtifactRow>;

/** Artifact locations counted per region (queries/reports/residency/artifact_regions.sql). */
export const ArtifactRegionRow = z.object({
  region: text,
  artifacts: count,
  accounts: ids,
});
export type ArtifactRegionRow = z.infer<typeof ArtifactRegionRow>;

/** A key associated with an artifact at the end of the window (queries/reports/residency/artifact_keys.sql). */
export const ArtifactKeyRow = z.object({
  artifact_id: text,
  artifact_kind: text,
  region: textOrNull,
  account_id: textOrNull,
  key: text,
  key_arn: textOrNull,
  key_region: textOrNull,
  associated_at: textOrNull,
  event_id: text,
});
export type ArtifactKeyRow = z.infer<typeof ArtifactKeyRow>;

/** An ARN-shaped name for a finding's resource, from what the records tell. */
export function resourceArn(
  kind: string | null,
  id: string | null,
  region: string | null,
  account: string | null,
) {
  if (!id) return '(unknown)';
  if (id.startsWith('arn:')) return id;
  if (kind === 's3_replication' || kind === 's3_bucket') return `arn:aws:s3:::${id}`;
  const r = region ?? '';
  const a = account ?? '';
  // a copy-out's target is an S3 bucket, whose ARN names no region or account
  if (isKind(COPY_OUT_KINDS, kind)) return `arn:aws:s3:::${id}`;
  if (kind === 'efs_replication' || kind === 'efs')
    return `arn:aws:elasticfilesystem:${r}:${a}:file-system/${id}`;
  if (kind === 'dynamodb_replica' || kind === 'dynamodb') return `arn:aws:dynamodb:${r}:${a}:table/${id}`;
  if (kind === 'fsx' && id.startsWith('fs-')) return `arn:aws:fsx:${r}:${a}:file-system/${id}`;
  if (id.startsWith('snap-')) return `arn:aws:ec2:${r}::snapshot/${id}`;
  if (id.startsWith('ami-')) return `arn:aws:ec2:${r}::image/${id}`;
  if (id.startsWith('vol-')) return `arn:aws:ec2:${r}:${a}:volume/${id}`;
  // an RDS resource id (dbiResourceId / cluster resource id) names the DB behind its snapshots
  if (/^(db|cluster)-[A-Z0-9]+$/.test(id)) return `arn:aws:rds:${r}:${a}:db:${id}`;
  if (kind === 'rds_cluster_snapshot') return `arn:aws:rds:${r}:${a}:cluster-snapshot:${id}`;
  if (kind?.startsWith('rds')) return `arn:aws:rds:${r}:${a}:snapshot:${id}`;
  return id;
}
