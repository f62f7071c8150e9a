// What a correlation rule declares: the copy API it reads, the kind of lineage edge it makes,
// which encryption context that API's KMS records carry, and the time windows of its joins.
// The joins themselves are SQL (queries/correlate/); the windows are bound into it from here.
import { z } from 'zod';

const HOUR = 3600;

export const CorrelationRule = z.object({
  /** The rule's id is its file name in correlate/rules/. */
  id: z.string().regex(/^[a-z0-9_]+$/),
  api: z.enum([
    'CopySnapshot',
    'CopyImage',
    'CopyDBSnapshot',
    'CopyDBClusterSnapshot',
    'StartDBInstanceAutomatedBackupsReplication',
    'StartCopyJob',
  ]),
  kind: z.enum([
    'ebs_snapshot',
    'ami',
    'rds_snapshot',
    'rds_cluster_snapshot',
    'rds_automated_backup',
    'backup_recovery_point',
  ]),
  /** Which context id the copy's KMS records carry: aws:ebs:id, aws:rds:db-id, or none we can name. */
  context: z.enum(['ebs', 'rds', 'none']),
  /** KMS operations that may attach (DescribeKey and other context-free calls never do). */
  kmsEvents: z.array(z.string()).min(1),
  /** Field paths, for people and docs: where the source, target and requested key are. */
  fields: z.object({ source: z.string(), target: z.string(), key: z.string() }),
  windows: z.object({
    /** Target-side records: from shortly before the call until the background copy can finish. */
    targetBeforeS: z.number().int().nonnegative(),
    targetAfterS: z.number().int().positive(),
    /** Source-side records, matched on the source's context id. */
    sourceBeforeS: z.number().int().nonnegative(),
    sourceAfterS: z.number().int().positive(),
    /** When a source record fits several copies, the one requested within this long before it wins. */
    pickWindowS: z.number().int().positive(),
    /** key + region + time only, for records with no context at all. */
    weakWindowS: z.number().int().positive(),
    /** Owner-side service events (SharedSnapshotCopyInitiated, CopyJob*). */
    serviceBeforeS: z.number().int().nonnegative(),
    serviceAfterS: z.number().int().positive(),
  }),
});
export type CorrelationRule = z.infer<typeof CorrelationRule>;

export const KMS_COPY_EVENTS = [
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'CreateGrant',
];

/**
 * Windows shared by the EBS-style rules. Synchronous KMS calls come within seconds (allow 5 min of
 * clock and delivery skew); the background transfer can take up to 48 h and more for time-based
 * copies (reference §5.8), so target records are accepted for 72 h.
 */
export const EBS_WINDOWS: CorrelationRule['windows'] = {
  targetBeforeS: 300,
  targetAfterS: 72 * HOUR,
  sourceBeforeS: 300,
  sourceAfterS: 48 * HOUR,
  pickWindowS: 1 * HOUR,
  weakWindowS: 600,
  serviceBeforeS: 600,
  serviceAfterS: 1 * HOUR,
};

/** RDS queues cross-region copies for hours before its background KMS calls (reference §3.1, §5.4). */
export const RDS_WINDOWS: CorrelationRule['windows'] = {
  ...EBS_WINDOWS,
  targetAfterS: 72 * HOUR,
  sourceAfterS: 72 * HOUR,
  pickWindowS: 12 * HOUR,
};
