// What a correlation rule declares, as data the correlator's SQL reads: the copy API (event source
// and name), where each part of a copy lives in its record, which KMS operations and encryption
// context keys are its evidence, which service events complete it, and the time windows of its
// joins. correlate.ts writes every rule as one row of a temp table (ruleRow below); the SQL in
// queries/correlate/ keeps only what is the same for every rule (ARN parsing, mechanism detection,
// the order of the joins).
import { z } from 'zod';
import {
  CONTEXT_KEYS,
  KMS_EVIDENCE_EVENTS,
  LINEAGE_EVENT_NAMES,
  LINEAGE_EVENT_SOURCES,
} from '../../core/events.ts';

const HOUR = 3600;
/** Clock and delivery skew allowed past a copy's known completion (15 min). */
const COMPLETION_SKEW_S = 15 * 60;

/**
 * The record fields a path may start at: the parts of a CloudTrail record the correlator's SQL
 * puts into the JSON object it resolves paths against (queries/correlate/rule_events.sql).
 */
export const RECORD_FIELDS = [
  'awsRegion',
  'recipientAccountId',
  'errorCode',
  'userIdentity',
  'requestParameters',
  'responseElements',
  'serviceEventDetails',
  'additionalEventData',
] as const;

/**
 * A field of the record, as CloudTrail spells it: `responseElements.snapshotId`. A segment may pick
 * one item of a list by its index, for APIs whose response wraps the one artifact they make in a
 * list (`responseElements.volumeSet.items[0].volumeId`) or that take a list where the service
 * allows only one element (`requestParameters.destinations[0].region`).
 */
const Path = z
  .string()
  .regex(
    new RegExp(`^(${RECORD_FIELDS.join('|')})(\\.[A-Za-z][A-Za-z0-9_]*(\\[[0-9]+\\])?)*$`),
    'a path into the record',
  );

/** Where a value lives, alternatives in order: the first path that holds a value wins. */
const Paths = z.array(Path);

/**
 * The encryption-context keys kms_context holds (queries/correlate/extract_kms_context.sql). A rule
 * may name only these: another key needs a column there first, and the KMS records already in it
 * extracted again.
 */
export { CONTEXT_KEYS };

const Mechanism = z.enum(['manual', 'aws_backup', 'dlm', 'unknown']);

/** The copy's fields a service event can be tied to. */
const CopyField = z.enum([
  'source_id',
  'source_region',
  'target_id',
  'target_region',
  'target_account',
  'copy_job_id',
  // where the call itself landed: a configuration is ended in the account (and often the region)
  // it was made in
  'call_region',
  'call_account',
]);

/** One comparison of a service event's field with the copy's. */
const Test = z.object({
  path: Path,
  field: CopyField,
  /** equals; or ends_with: the event's value ends with `prefix` + the copy's (an ARN ending in an id). */
  test: z.enum(['equals', 'ends_with']),
  prefix: z.string().default(''),
});

const Tie = z.object({
  /** Every comparison must hold. */
  all: z.array(Test).min(1),
  /** And the event must fall within the rule's service window around the copy request. */
  inWindow: z.boolean(),
});

/** An event a service writes about a copy (the owner's notice of it, a Backup job's progress). */
export const ServiceEvent = z.object({
  eventSource: z.enum(LINEAGE_EVENT_SOURCES),
  eventName: z.enum(LINEAGE_EVENT_NAMES),
  /** Which side of the copy the event speaks for. */
  side: z.enum(['source', 'target']),
  /** Only copies made this way take it (a Backup job's events belong to copies its role made). */
  mechanism: Mechanism.optional(),
  /** Ways the event is tied to a copy call; any one suffices. */
  ties: z.array(Tie).min(1),
  /** The copy is completed once an attached event has this value at this path. */
  completes: z.object({ path: Path, equals: z.string() }).optional(),
  /**
   * The event ends a configuration-style copy (a replication switched off): a successful call, made
   * after the configuration, tied to it, ends the latest such configuration before it and only that
   * one (match `configuration_end`). The copy's status is then `ended` instead of `active`.
   */
  ends: z.boolean().default(false),
  /**
   * The copy failed once an event tied to it for certain (by a tie that needs no time window) has
   * one of these values at this path: the call succeeded, the work it started did not.
   */
  fails: z.object({ path: Path, equals: z.array(z.string()).min(1) }).optional(),
  /**
   * The copy's new artifact (an ARN or an id), for a call that names none (StartCopyJob): taken only
   * from an event tied for certain that also completes the copy, and only when that names one
   * artifact no other copy claims. A tie by source and time alone never names a target.
   */
  target: z.object({ ref: Paths.min(1) }).optional(),
  /**
   * Tied to no copy call we have (the copier's trail is not ours), the event is a copy of its own,
   * known from one side only: these paths give its source and the account that copied.
   */
  alone: z
    .object({ sourceId: Paths.min(1), sourceRegion: Paths, sourceAccount: Paths, targetAccount: Paths })
    .optional(),
});
export type ServiceEvent = z.input<typeof ServiceEvent>;

/**
 * Later records that name the artifacts backing a copy's target (the snapshots behind a copied AMI),
 * from text AWS writes on them. Each such artifact's own id is the context its KMS records carry.
 */
const Backing = z.object({
  eventSource: z.enum(LINEAGE_EVENT_SOURCES),
  eventName: z.enum(LINEAGE_EVENT_NAMES),
  /** The text, and a pattern whose first group is the id of the copy's target it names. */
  text: Paths.min(1),
  targetPattern: z.string().min(1),
  /** The backing artifact: its id (must match artifactPattern), region and account. */
  artifact: Paths.min(1),
  artifactPattern: z.string().min(1),
  artifactKind: z.enum(['ebs_snapshot']),
  region: Paths.min(1),
  account: Paths.min(1),
});

/** One side of the copy: the id or ARN of its artifact (ref), its region and its account. */
const Side = z.object({
  ref: Paths,
  region: Paths,
  account: Paths,
  /** The value whose ARN, when it is one, names the region and account before the paths do. */
  fromArn: z.enum(['ref', 'backup_vault']).optional(),
  /**
   * The target's ARN is built from its id where the record gives none: `s3_bucket` is
   * arn:<partition>:s3:::<bucket> (a bucket ARN names no region or account).
   */
  arnOf: z.enum(['s3_bucket']).optional(),
});

export const CorrelationRule = z.object({
  /** The rule's id is its file name in correlate/rules/. */
  id: z.string().regex(/^[a-z0-9_]+$/),
  eventSource: z.enum(LINEAGE_EVENT_SOURCES),
  /** The copy API: the event name of the call. */
  api: z.enum(LINEAGE_EVENT_NAMES),
  kind: z.enum([
    'ebs_snapshot',
    'ami',
    'rds_snapshot',
    'rds_cluster_snapshot',
    'rds_automated_backup',
    'backup_recovery_point',
    'ebs_volume',
    // service copies: a backup or snapshot copied by its own service
    'fsx_backup',
    'redshift_snapshot',
    'cloudhsm_backup',
    // configuration-style: a replication switched on, active until it is switched off
    'efs_replication',
    'redshift_snapshot_copy',
    'dynamodb_replica',
    // a deleted snapshot brought back from the Recycle Bin: its source and target are the same id
    'recycle_bin_restore',
    // copy-out: the data leaves the snapshot world for an S3 bucket
    'rds_export',
    'ami_export',
    'ami_store',
  ]),
  /**
   * The call is a copy only where one of these paths holds a value (DynamoDB UpdateTable adds a
   * replica only with a replicaUpdates create); empty: every call is.
   */
  only: Paths.default([]),
  /**
   * A configuration, not a one-off copy: it copies until a later call ends it (serviceEvents with
   * `ends`), so its status is `active` or `ended` (or `failed`), never requested/completed.
   */
  configuration: z.boolean().default(false),
  /**
   * The edge's source and target are one artifact by design (a restore in place): it is never its
   * own parent, nor completed by itself. Any other copy whose source is its own target is forged or
   * odd, and its chain says `cycle`.
   */
  inPlace: z.boolean().default(false),
  /** The one mechanism every call of this API is (else it is told from the caller's identity). */
  mechanism: Mechanism.optional(),
  source: Side.extend({ ref: Paths.min(1) }),
  /** The new artifact, with its ARN when the response gives one. */
  target: Side.extend({ arn: Paths }),
  /** The KMS key the caller asked for: an id, an ARN or an alias. */
  key: Paths,
  /** The context id the copy's own records name (RDS: dbiResourceId, dbClusterResourceId). */
  context: Paths,
  /** The database engine the record names (RDS family: aurora-mysql, docdb, neptune, ...). */
  engine: Paths.default([]),
  /** AWS Backup: the destination vault (an ARN) and the copy job id. */
  backup: z.object({ vault: Paths, copyJobId: Paths }),
  /** The error code of a failed call. */
  error: Paths.min(1),
  kms: z.object({
    /**
     * KMS operations that may attach (DescribeKey and other context-free calls never do). Empty
     * where no KMS record is known to name the copy precisely: the edge is declared, with no KMS
     * evidence (not even a weak key/time hint), rather than linked on a guess.
     */
    operations: z.array(z.enum(KMS_EVIDENCE_EVENTS)),
    /** Encryption-context keys whose value names the copy's source or target. */
    contextKeys: z.array(z.enum(CONTEXT_KEYS)),
    /**
     * Which id the source side's records carry: the source artifact's context, the copy's, or the
     * source's own id (a volume's records always name the volume itself).
     */
    sourceContext: z.enum(['source_artifact', 'copy_context', 'source_id']),
    /** Which id the target side's records carry: the new artifact's id, or the copy's context. */
    targetContext: z.enum(['target_id', 'copy_context']),
  }),
  serviceEvents: z.array(ServiceEvent),
  backing: Backing.optional(),
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
    /** Service events (SharedSnapshotCopyInitiated, CopyJob*) tied with a time window. */
    serviceBeforeS: z.number().int().nonnegative(),
    serviceAfterS: z.number().int().positive(),
    /**
     * Once the copy is known to have finished (completed_at), records this long after it are not
     * its own, whatever the windows above allow: a restore or an attach of the new artifact names it
     * too. The slack covers clock skew between services (reference §5.8).
     */
    afterCompletionS: z.number().int().nonnegative().default(COMPLETION_SKEW_S),
  }),
});
export type CorrelationRule = z.infer<typeof CorrelationRule>;
/** A rule as its file declares it. */
export type RuleDeclaration = z.input<typeof CorrelationRule>;

/**
 * AWS Backup's job events (reference §4.2), for the copies a Backup role makes: tied by the job id,
 * by the recovery point the job made (its ARN ends with the new artifact's id), or by the recovery
 * point it copied (its ARN ends with /<source id>) within the service window. A CopyJobCompleted
 * in state COMPLETED completes the copy and names the recovery point a StartCopyJob made; in state
 * FAILED it fails the copy.
 */
const BACKUP_JOB_TIES: ServiceEvent['ties'] = [
  { all: [{ path: 'serviceEventDetails.copyJobId', field: 'copy_job_id', test: 'equals' }], inWindow: false },
  {
    all: [{ path: 'serviceEventDetails.destinationRecoveryPointArn', field: 'target_id', test: 'ends_with' }],
    inWindow: false,
  },
  {
    all: [
      {
        path: 'serviceEventDetails.sourceRecoveryPointArn',
        field: 'source_id',
        test: 'ends_with',
        prefix: '/',
      },
    ],
    inWindow: true,
  },
];
export const BACKUP_JOB_EVENTS: ServiceEvent[] = [
  {
    eventSource: 'backup.amazonaws.com',
    eventName: 'CopyJobStarted',
    side: 'source',
    mechanism: 'aws_backup',
    ties: BACKUP_JOB_TIES,
  },
  {
    eventSource: 'backup.amazonaws.com',
    eventName: 'CopyJobCompleted',
    side: 'target',
    mechanism: 'aws_backup',
    ties: BACKUP_JOB_TIES,
    completes: { path: 'serviceEventDetails.state', equals: 'COMPLETED' },
    // a FAILED job made no recovery point to vouch for, even where the event names one
    fails: { path: 'serviceEventDetails.state', equals: ['FAILED'] },
    // a StartCopyJob names no new recovery point: its job's completion does (reference §4.2)
    target: { ref: ['serviceEventDetails.destinationRecoveryPointArn'] },
  },
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
  afterCompletionS: COMPLETION_SKEW_S,
};

/** RDS queues cross-region copies for hours before its background KMS calls (reference §3.1, §5.4). */
export const RDS_WINDOWS: CorrelationRule['windows'] = {
  ...EBS_WINDOWS,
  targetAfterS: 72 * HOUR,
  sourceAfterS: 72 * HOUR,
  pickWindowS: 12 * HOUR,
};

/** KMS evidence of an EBS-style copy: every evidence operation, matched on aws:ebs:id. */
export const EBS_KMS: RuleDeclaration['kms'] = {
  operations: [...KMS_EVIDENCE_EVENTS],
  contextKeys: ['aws:ebs:id'],
  sourceContext: 'source_artifact',
  targetContext: 'target_id',
};

/** KMS evidence of an RDS copy: aws:rds:db-id is the instance's dbiResourceId on both sides. */
export const RDS_KMS: RuleDeclaration['kms'] = {
  operations: [...KMS_EVIDENCE_EVENTS],
  contextKeys: ['aws:rds:db-id'],
  sourceContext: 'copy_context',
  targetContext: 'copy_context',
};

/**
 * No KMS evidence: the service's KMS records are not known to name the copy (or it uses none).
 * Declared edges only; the reports show them as copies without KMS evidence.
 */
export const NO_KMS: RuleDeclaration['kms'] = {
  operations: [],
  contextKeys: [],
  sourceContext: 'source_artifact',
  targetContext: 'target_id',
};

/** A copy call that lands in the destination: its target is in the call's region and account. */
export const IN_CALL_PLACE = { region: ['awsRegion'], account: ['recipientAccountId'] };

/** Not an AWS Backup call, and its failure is the call's own errorCode. */
export const PLAIN_CALL = { backup: { vault: [], copyJobId: [] }, error: ['errorCode'] };

/** What an RDS copy call shares with every other: plain call, RDS evidence, Backup job events, RDS windows. */
export const RDS_CALL = {
  ...PLAIN_CALL,
  key: ['requestParameters.kmsKeyId'],
  kms: RDS_KMS,
  serviceEvents: BACKUP_JOB_EVENTS,
  windows: RDS_WINDOWS,
};

/** What an EBS-style copy call (CopySnapshot, CopyImage) shares: the same, with EBS evidence and windows. */
export const EBS_CALL = { ...RDS_CALL, kms: EBS_KMS, windows: EBS_WINDOWS };

/**
 * An edge declared by its call alone (a service copy, a configuration, a copy-out): a plain call
 * with no KMS evidence, no context and no service events, on the EBS windows. A rule overrides what
 * it has (its requested key, the events that end it) after spreading this.
 */
export const DECLARED_CALL = {
  ...PLAIN_CALL,
  key: [] as string[],
  context: [] as string[],
  kms: NO_KMS,
  serviceEvents: [] as ServiceEvent[],
  windows: EBS_WINDOWS,
};

const jsonPaths = (paths: string[]) => paths.map((p) => `$.${p}`);

/** The rule as one row of the temp table correlate_rules (queries/correlate/load_rules.sql). */
export function ruleRow(r: CorrelationRule) {
  return {
    rule_id: r.id,
    event_source: r.eventSource,
    api: r.api,
    kind: r.kind,
    mechanism: r.mechanism ?? null,
    source_ref_paths: jsonPaths(r.source.ref),
    source_region_paths: jsonPaths(r.source.region),
    source_account_paths: jsonPaths(r.source.account),
    source_from_arn: r.source.fromArn ?? null,
    target_ref_paths: jsonPaths(r.target.ref),
    target_arn_paths: jsonPaths(r.target.arn),
    target_region_paths: jsonPaths(r.target.region),
    target_account_paths: jsonPaths(r.target.account),
    target_from_arn: r.target.fromArn ?? null,
    target_arn_of: r.target.arnOf ?? null,
    only_paths: jsonPaths(r.only),
    configuration: r.configuration,
    in_place: r.inPlace,
    key_ref_paths: jsonPaths(r.key),
    copy_context_paths: jsonPaths(r.context),
    engine_paths: jsonPaths(r.engine),
    backup_vault_paths: jsonPaths(r.backup.vault),
    copy_job_id_paths: jsonPaths(r.backup.copyJobId),
    error_code_paths: jsonPaths(r.error),
    kms_operations: r.kms.operations,
    context_keys: r.kms.contextKeys,
    source_context_from: r.kms.sourceContext,
    target_context_from: r.kms.targetContext,
    service_events: r.serviceEvents.map((s) => ({
      event_source: s.eventSource,
      event_name: s.eventName,
      side: s.side,
      mechanism: s.mechanism ?? null,
      completes_path: s.completes ? `$.${s.completes.path}` : null,
      completes_value: s.completes?.equals ?? null,
      ends: s.ends,
      fails_path: s.fails ? `$.${s.fails.path}` : null,
      fails_values: s.fails?.equals ?? null,
      target_ref_paths: jsonPaths(s.target?.ref ?? []),
      ties: s.ties.map((t) => ({
        in_window: t.inWindow,
        tests: t.all.map((x) => ({ path: `$.${x.path}`, field: x.field, test: x.test, prefix: x.prefix })),
      })),
      alone: s.alone
        ? {
            source_id_paths: jsonPaths(s.alone.sourceId),
            source_region_paths: jsonPaths(s.alone.sourceRegion),
            source_account_paths: jsonPaths(s.alone.sourceAccount),
            target_account_paths: jsonPaths(s.alone.targetAccount),
          }
        : null,
    })),
    backing: r.backing
      ? {
          event_source: r.backing.eventSource,
          event_name: r.backing.eventName,
          text_paths: jsonPaths(r.backing.text),
          target_pattern: r.backing.targetPattern,
          artifact_paths: jsonPaths(r.backing.artifact),
          artifact_pattern: r.backing.artifactPattern,
          artifact_kind: r.backing.artifactKind,
          region_paths: jsonPaths(r.backing.region),
          account_paths: jsonPaths(r.backing.account),
        }
      : null,
    target_before_s: r.windows.targetBeforeS,
    target_after_s: r.windows.targetAfterS,
    source_before_s: r.windows.sourceBeforeS,
    source_after_s: r.windows.sourceAfterS,
    pick_window_s: r.windows.pickWindowS,
    weak_window_s: r.windows.weakWindowS,
    service_before_s: r.windows.serviceBeforeS,
    service_after_s: r.windows.serviceAfterS,
    after_completion_s: r.windows.afterCompletionS,
  };
}
export type RuleRow = ReturnType<typeof ruleRow>;
