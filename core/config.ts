// The one config file (YAML): residency policy, DR requirements and report defaults. Every key is
// declared here with its default; a bad file fails naming the file and the field.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Cron } from 'croner';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { ACCOUNT_ID } from './aws-ids.ts';
import { JURISDICTIONS, PARTITIONS, REGIONS } from './regions.ts';
import {
  ATHENA_SOURCE,
  DIR_SOURCE,
  type Fields,
  LAKE_SOURCE,
  LOOKUP_SOURCE,
  S3_SOURCE,
  type SourceDeclaration,
  type SourceSpec,
  type SourceWindow,
  shapeOf,
} from './sources.ts';
import { DURATION_HELP, durationSeconds } from './time.ts';

const AccountId = z.string().regex(ACCOUNT_ID, 'an account id is 12 digits');
const RegionCode = z.string().refine((r) => REGIONS.has(r), { message: 'not a known AWS region code' });

/** "90m", "24h", "7d" → seconds (the time grammar of core/time.ts). */
export const Duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const seconds = durationSeconds(v);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: `a duration is ${DURATION_HELP}` });
    return z.NEVER;
  }
  return seconds;
});

export const Selector = z
  .object({
    accounts: z.array(AccountId).default([]),
    regions: z.array(RegionCode).default([]),
    /** volume ids, DB resource ids (db-…), or snapshot/AMI ids whose resource is then protected */
    resource_ids: z.array(z.string()).default([]),
    /** tags on the snapshots that were taken of the resource: all must match */
    tags: z.record(z.string(), z.string()).default({}),
    kinds: z
      .array(z.enum(['ebs', 'rds', 'docdb', 'neptune', 'fsx', 'efs', 'dynamodb', 'redshift']))
      .default([]),
  })
  .strict();
export type Selector = z.infer<typeof Selector>;

export const Requirement = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'an id is lower-case letters, digits, - and _'),
    description: z.string().default(''),
    select: Selector.default({ accounts: [], regions: [], resource_ids: [], tags: {}, kinds: [] }),
    dr_regions: z.array(RegionCode).default([]),
    dr_accounts: z.array(AccountId).default([]),
    rpo: Duration.default(86400),
    key: z
      .object({
        customer_managed: z.boolean().default(true),
        owned_by_dr_account: z.boolean().default(false),
      })
      .strict()
      .default({ customer_managed: true, owned_by_dr_account: false }),
  })
  .strict()
  .refine((r) => r.dr_regions.length + r.dr_accounts.length > 0, {
    message: 'a requirement needs dr_regions, dr_accounts or both',
  });
export type Requirement = z.infer<typeof Requirement>;

const ScheduleName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a schedule name is lower-case letters, digits, - and _ (at most 63)');

/** A cron expression (5 or 6 fields, croner syntax), checked by parsing it. */
const CronExpression = z.string().superRefine((v, ctx) => {
  try {
    new Cron(v, { paused: true });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a cron expression: ${(err as Error).message}` });
  }
});

const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)' },
);

const S3Location = z.object({
  bucket: z.string().min(3),
  prefix: z.string().default(''),
  /** region of the bucket (default: $AWS_REGION or us-east-1) */
  region: z.string().optional(),
  /** S3-compatible endpoint (path-style); `--endpoint-url` on the command line overrides it */
  endpoint_url: z.string().url().optional(),
});

/** A schedule's keys for a source's window: how far the first run reads back, how much later runs re-read. */
type WindowKeys<W> = W extends SourceWindow
  ? { lookback: z.ZodDefault<typeof Duration>; overlap: z.ZodDefault<typeof Duration> }
  : Record<never, never>;

/**
 * A schedule's source, built from its declaration in core/sources.ts: `type`, every option as a
 * key (the flag's name in snake_case), and `lookback`/`overlap` for a source that reads a window.
 */
function scheduleSource<
  T extends string,
  O extends Fields,
  F extends Fields,
  W extends SourceWindow | undefined,
>(d: SourceDeclaration<T, O, F, W>) {
  const window = (
    d.window
      ? { lookback: Duration.default(d.window.lookback), overlap: Duration.default(d.window.overlap) }
      : {}
  ) as WindowKeys<W>;
  return z
    .object({ type: z.literal(d.type), ...shapeOf(d.options), ...window })
    .strict()
    .superRefine((values, ctx) => {
      const broken = d.check?.(values as never, (key) => key);
      if (broken) ctx.addIssue({ code: 'custom', message: broken });
    });
}

export const ScheduleSource = z.discriminatedUnion('type', [
  scheduleSource(DIR_SOURCE),
  scheduleSource(S3_SOURCE),
  scheduleSource(LOOKUP_SOURCE),
  scheduleSource(ATHENA_SOURCE),
  scheduleSource(LAKE_SOURCE),
]);
export type ScheduleSource = z.infer<typeof ScheduleSource>;

/** What a schedule's source reads, as `ingest <type>` parses it from flags: the window keys left out. */
export function specOf(source: ScheduleSource): SourceSpec {
  const {
    lookback: _lookback,
    overlap: _overlap,
    ...spec
  } = source as ScheduleSource & {
    lookback?: number;
    overlap?: number;
  };
  return spec as SourceSpec;
}

/** reports/ids.ts FORMATS, repeated: core/ may not import reports/ (test/reports/findings.test.ts checks them) */
const REPORT_FORMATS = ['html', 'pdf', 'json', 'oscal', 'ocsf', 'csv'] as const;

export const ScheduleReport = z
  .object({
    id: z.enum(['residency', 'dr_coverage', 'forensics']),
    /** forensics only: artifact id, key ARN, principal ARN or account id */
    subject: z.string().optional(),
    formats: z.array(z.enum(REPORT_FORMATS)).optional(),
  })
  .strict()
  .refine((r) => r.id !== 'forensics' || r.subject, { message: 'a forensics report needs a subject' });
export type ScheduleReport = z.infer<typeof ScheduleReport>;

export const Schedule = z
  .object({
    name: ScheduleName,
    description: z.string().default(''),
    cron: CronExpression,
    timezone: TimeZone.default('UTC'),
    /** the time each report covers, ending at the scheduled time (default: since the previous scheduled time) */
    period: Duration.optional(),
    sources: z.array(ScheduleSource).default([]),
    /** correlate after ingest (default true) */
    correlate: z.boolean().default(true),
    reports: z.array(ScheduleReport).min(1),
    /** as `report --fail-on`: a run whose reports have a finding at this level records it, and `schedule once` exits 3 */
    fail_on: z.enum(['fail', 'unknown']).optional(),
    deliver: z
      .object({
        dir: z.string().optional(),
        s3: S3Location.strict().optional(),
      })
      .strict()
      .refine((d) => d.dir || d.s3, { message: 'deliver needs dir, s3 or both' }),
  })
  .strict();
export type Schedule = z.infer<typeof Schedule>;

export const Config = z
  .object({
    organization: z.string().default('AWS organization'),
    residency: z
      .object({
        allowed_jurisdictions: z.array(z.enum(JURISDICTIONS as [string, ...string[]])).default([]),
        allowed_regions: z.array(RegionCode).default([]),
        allowed_partitions: z.array(z.enum(PARTITIONS)).default([]),
        trusted_accounts: z.array(AccountId).default([]),
        vault_accounts: z.array(AccountId).default([]),
        /** owners of AWS Backup logically air-gapped vaults: copies there are trusted */
        air_gapped_vault_owners: z.array(AccountId).default([]),
      })
      .strict()
      .default({
        allowed_jurisdictions: [],
        allowed_regions: [],
        allowed_partitions: [],
        trusted_accounts: [],
        vault_accounts: [],
        air_gapped_vault_owners: [],
      }),
    dr: z
      .object({ requirements: z.array(Requirement).default([]) })
      .strict()
      .default({ requirements: [] }),
    forensics: z
      .object({
        /** principals expected to copy (ARN globs with *); others are flagged as unusual */
        expected_copy_principals: z.array(z.string()).default([]),
      })
      .strict()
      .default({ expected_copy_principals: [] }),
    reports: z
      .object({
        out: z.string().default('reports'),
        formats: z.array(z.enum(REPORT_FORMATS)).default(['html', 'pdf', 'json']),
        /** "bundled" (@sparticuz/chromium), "system" (/usr/bin/chromium) or a path to a Chromium binary */
        chromium: z.string().default('bundled'),
        paper: z.enum(['A4', 'Letter']).default('A4'),
        /**
         * Tag the PDF's structure for screen readers (PDF/UA-style). Off by default: Chromium tags
         * every text run, which makes a long report's PDF about eight times larger and slower to print.
         */
        pdf_tagged: z.boolean().default(false),
        /** PEM PKCS#8 Ed25519 private key that signs report manifests (default: a per-user key, generated once) */
        signing_key: z.string().optional(),
      })
      .strict()
      .default({
        out: 'reports',
        formats: ['html', 'pdf', 'json'],
        chromium: 'bundled',
        paper: 'A4',
        pdf_tagged: false,
      }),
    schedules: z
      .array(Schedule)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          if (seen.has(s.name))
            ctx.addIssue({
              code: 'custom',
              path: [i, 'name'],
              message: `schedule '${s.name}' is named twice`,
            });
          seen.add(s.name);
        });
      }),
  })
  .strict();
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {}

// The YAML parser loads when a config file is read, not when the CLI starts (`copytrail --help`
// never reads one); loadConfig is synchronous, so it is required rather than imported.
let yaml: typeof Yaml | undefined;
const parseYaml = (text: string): unknown => {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yaml.parse(text);
};

/** Parses a config file; errors name the file and each bad field's path. */
export function loadConfig(file: string | undefined): Config {
  if (!file) return Config.parse({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the config file (${(err as Error).message})`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const parsed = Config.safeParse(doc);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(`${file}: invalid config\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Accounts a copy or share may go to without a residency finding. */
export function trustedAccounts(config: Config): Set<string> {
  const r = config.residency;
  return new Set([...r.trusted_accounts, ...r.vault_accounts, ...r.air_gapped_vault_owners]);
}
