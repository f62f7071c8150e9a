// Every source copytrail reads (dir, s3, lookup, athena, lake), declared once: each option's schema
// (the value as a config file holds it), how the command line spells and parses it, and its help.
// `ingest <type>` (ingest/command.ts) and a schedule's `sources` (core/config.ts) are both built from
// these declarations, so a flag and its config key cannot drift apart.
//
// A field's key is its config key and names its flag: org_id is `--org-id`. `options` are both a
// flag and a config key; `flags` exist on the command line only. A source with a `window` reads a
// time range: `--since`/`--until` on the command line (core/source-flags.ts), `lookback`/`overlap`
// in a schedule (core/config.ts).
import { z } from 'zod';
import { ACCOUNT_ID, EVENT_NAME, ORG_ID, REGION_CODE } from './aws-ids.ts';
import { byteSize } from './byte-size.ts';

/** How the command line's text becomes the value the schema checks. */
export type FieldKind =
  /** the text as given */
  | 'text'
  /** comma-separated items; 'all' means the same as leaving the flag out */
  | 'list'
  /** a whole number */
  | 'count'
  /** a flag without a value: true when given */
  | 'switch'
  /** the command's arguments, one or more */
  | 'paths';

export interface Field<S extends z.ZodType = z.ZodType> {
  kind: FieldKind;
  /** the value, as a config file holds it; a missing value that the schema refuses makes the flag required */
  schema: S;
  /** the value's name in --help, such as <ids> (none for a switch or the arguments) */
  value?: string;
  help: string;
}

export type Fields = Record<string, Field>;
export type Shape<F extends Fields> = { [K in keyof F]: F[K]['schema'] };
export type Values<F extends Fields> = z.output<z.ZodObject<Shape<F>>>;

/** Seconds. The first scheduled read goes `lookback` back; later ones start `overlap` before the last end. */
export interface SourceWindow {
  lookback: number;
  overlap: number;
}

export interface SourceDeclaration<
  T extends string = string,
  O extends Fields = Fields,
  F extends Fields = Fields,
  W extends SourceWindow | undefined = SourceWindow | undefined,
> {
  type: T;
  /** the `ingest <type>` command's description */
  description: string;
  /** a flag of `ingest <type>` and a key of a schedule's source */
  options: O;
  /** the command line only */
  flags: F;
  window: W;
  /**
   * A rule across fields, with its message when broken. `name` spells a field the way the reader
   * wrote it: `--role-name` on the command line, `role_name` in a config file.
   */
  check?(values: Values<O> & Partial<Values<F>>, name: (key: string) => string): string | undefined;
}

/** Identity, so each declaration keeps its exact field types. */
function defineSource<
  T extends string,
  O extends Fields,
  F extends Fields,
  W extends SourceWindow | undefined,
>(d: SourceDeclaration<T, O, F, W>): SourceDeclaration<T, O, F, W> {
  return d;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The largest file read, after decompression: DuckDB reads each file as one JSON object, and this is
 * its per-object ceiling (maximum_object_size). The default and ceiling of `--max-file-size`.
 */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

// Value messages name the value, so they read right after a flag and after a config path alike.
const quoted = (input: unknown) => (typeof input === 'string' ? `'${input}'` : JSON.stringify(input));
const AccountId = z
  .string()
  .regex(ACCOUNT_ID, { error: (i) => `${quoted(i.input)} is not an account id (12 digits)` });
// the pattern, not the region table: a region newer than copytrail's table still has a trail to read
const RegionCode = z
  .string()
  .regex(REGION_CODE, { error: (i) => `${quoted(i.input)} is not a region code (such as eu-west-1)` });
const EventName = z
  .string()
  .regex(EVENT_NAME, { error: (i) => `${quoted(i.input)} is not an event name (letters and digits)` });
const OrgId = z.string().regex(ORG_ID, {
  error: (i) => `${quoted(i.input)} is not an organization id (o- and 10 to 32 lower-case letters or digits)`,
});

const text = <S extends z.ZodType>(schema: S, value: string, help: string) =>
  ({ kind: 'text', schema, value, help }) satisfies Field<S>;
const list = <S extends z.ZodType>(item: S, value: string, help: string) =>
  ({ kind: 'list', schema: z.array(item).optional(), value, help }) satisfies Field;
const toggle = (help: string) =>
  ({ kind: 'switch', schema: z.boolean().default(false), help }) satisfies Field;

const PROFILE = text(
  z.string().optional(),
  '<name>',
  'AWS profile, as in the AWS CLI (the SDK default chain reads it)',
);
const VERIFY = toggle('verify digests and log files after loading (see `copytrail verify`)');
const PUBLIC_KEYS = text(
  z.string().optional(),
  '<file>',
  'with --verify: PEM or ListPublicKeys JSON, for offline verification',
);

export const DIR_SOURCE = defineSource({
  type: 'dir',
  description: 'load local files: a downloaded trail bucket (account or organization layout) or loose files',
  options: {
    // in a schedule, each run loads only the files the ledger has not seen
    paths: {
      kind: 'paths',
      schema: z.array(z.string()).min(1),
      help: 'files or folders (.json, .json.gz, NDJSON, .json.cloudtrail, .zip)',
    },
  },
  flags: {
    verify: VERIFY,
    public_keys: PUBLIC_KEYS,
    max_file_size: text(
      byteSize(MAX_FILE_BYTES).optional(),
      '<size>',
      `largest file read, after decompression, e.g. 256MB or 64MiB (default and ceiling: ${MAX_FILE_BYTES} bytes)`,
    ),
  },
  window: undefined,
});

export const S3_SOURCE = defineSource({
  type: 's3',
  description: 'read a CloudTrail bucket (account or organization layout) over the S3 API',
  options: {
    bucket: text(
      z.string().min(3, { error: (i) => `${quoted(i.input)} is too short for a bucket name` }),
      '<name>',
      'the trail bucket',
    ),
    prefix: text(z.string().default(''), '<prefix>', 'key prefix the trail writes under (before AWSLogs/)'),
    org_id: text(OrgId.optional(), '<o-id>', 'only this organization trail folder'),
    accounts: list(AccountId, '<ids>', 'comma-separated account ids (default: every account found)'),
    regions: list(RegionCode, '<names>', "comma-separated regions, or 'all' (the default)"),
    endpoint_url: text(
      z.url({ error: (i) => `${quoted(i.input)} is not a URL` }).optional(),
      '<url>',
      'S3-compatible endpoint, as in the AWS CLI (path-style addressing)',
    ),
    region: text(
      z.string().optional(),
      '<region>',
      'region of the bucket (default: $AWS_REGION or us-east-1)',
    ),
    concurrency: {
      kind: 'count',
      schema: z
        .number({ error: (i) => `${quoted(i.input)} is not a whole number from 1 to 256` })
        .int()
        .min(1)
        .max(256)
        .default(16),
      value: '<n>',
      help: 'parallel downloads',
    },
  },
  flags: {
    spool: text(
      z.string().optional(),
      '<dir>',
      "where this database's download spool goes (default: <db>.spool beside it)",
    ),
    verify: VERIFY,
    public_keys: PUBLIC_KEYS,
    profile: PROFILE,
  },
  // CloudTrail delivers a file up to hours after its events: later runs list 6 h again
  window: { lookback: 7 * DAY, overlap: 6 * HOUR },
});

export const LOOKUP_SOURCE = defineSource({
  type: 'lookup',
  description: 'read CloudTrail Event history (LookupEvents, last 90 days) in every enabled region',
  options: {
    regions: list(RegionCode, '<names>', "comma-separated regions, or 'all' enabled regions (the default)"),
    accounts: list(AccountId, '<ids>', 'comma-separated account ids to read through --role-name'),
    org_accounts: toggle('read every active account of the organization (Organizations ListAccounts)'),
    role_name: text(z.string().optional(), '<name>', 'role to assume in each account'),
    all_management: toggle('every management event, not only the ones lineage needs'),
  },
  flags: { profile: PROFILE },
  // Event history shows an event up to about 15 minutes late
  window: { lookback: DAY, overlap: HOUR },
  check: (v, name) =>
    (v.accounts || v.org_accounts) && !v.role_name
      ? `${name('role_name')} is needed with ${name('accounts')} or ${name('org_accounts')}`
      : undefined,
});

/** The filter Athena and Lake push down into their query. */
const QUERY_FILTER = {
  accounts: list(AccountId, '<ids>', 'comma-separated account ids (default: every account)'),
  regions: list(RegionCode, '<names>', 'comma-separated regions (default: every region)'),
  extra_events: list(EventName, '<names>', 'comma-separated event names to pull beyond the lineage set'),
  all_kms: toggle('keep KMS records about other resources too (full key-usage timelines)'),
};

export const ATHENA_SOURCE = defineSource({
  type: 'athena',
  description: 'query the trail bucket through Athena, filter pushed down; load only what lineage needs',
  options: {
    database: text(z.string(), '<name>', 'Glue/Athena database of the CloudTrail table'),
    table: text(z.string(), '<name>', 'the CloudTrail table (see --create-table)'),
    workgroup: text(z.string().optional(), '<name>', 'Athena workgroup (default: primary)'),
    output: text(
      z.string().optional(),
      '<s3uri>',
      'query result location, s3://bucket/prefix/ (default: the workgroup setting)',
    ),
    region: text(
      z.string().optional(),
      '<region>',
      'region of the Athena workgroup (default: $AWS_REGION or us-east-1)',
    ),
    ...QUERY_FILTER,
  },
  flags: {
    create_table: toggle(
      'create the table (partition projection by account, region, day) if it does not exist',
    ),
    trail_location: text(
      z.string().optional(),
      '<s3uri>',
      'with --create-table: s3://bucket[/prefix]/AWSLogs/ or …/AWSLogs/o-…/',
    ),
    profile: PROFILE,
  },
  window: { lookback: DAY, overlap: 6 * HOUR },
  check: (v, name) =>
    v.create_table && !v.trail_location
      ? `${name('create_table')} needs ${name('trail_location')}`
      : undefined,
});

export const LAKE_SOURCE = defineSource({
  type: 'lake',
  description:
    'query a CloudTrail Lake event data store, filter pushed down (Lake is closed to new customers since 2026-05-31)',
  options: {
    event_data_store: text(z.string(), '<id>', 'event data store id or ARN'),
    owner_account: text(AccountId.optional(), '<id>', 'owner of a shared event data store'),
    region: text(
      z.string().optional(),
      '<region>',
      'region of the event data store (default: $AWS_REGION or us-east-1)',
    ),
    ...QUERY_FILTER,
  },
  flags: { profile: PROFILE },
  window: { lookback: DAY, overlap: HOUR },
});

/** Every source, by its type: the `ingest` subcommand and the `type` of a schedule's source. */
export const SOURCES = {
  dir: DIR_SOURCE,
  s3: S3_SOURCE,
  lookup: LOOKUP_SOURCE,
  athena: ATHENA_SOURCE,
  lake: LAKE_SOURCE,
};
export type SourceType = keyof typeof SOURCES;
export const SOURCE_TYPES = Object.keys(SOURCES) as SourceType[];

/** What a source reads, the same whether it came from flags or from a config file. */
export type SpecOf<T extends SourceType> = { type: T } & Values<(typeof SOURCES)[T]['options']>;
export type SourceSpec = { [T in SourceType]: SpecOf<T> }[SourceType];
/** The values of a source's command-line-only flags. */
export type FlagsOf<T extends SourceType> = Values<(typeof SOURCES)[T]['flags']>;

/** The option schemas of a source, ready for z.object. */
export function shapeOf<F extends Fields>(fields: F): Shape<F> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema])) as Shape<F>;
}
