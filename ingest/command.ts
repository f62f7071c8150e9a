// The `ingest` subcommands.

import { basename, resolve } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Command } from 'commander';
import { ACCOUNT_ID, EVENT_NAME, REGION_CODE } from '../core/aws-ids.ts';
import { byteSize } from '../core/byte-size.ts';
import {
  existingDbPath,
  type GlobalOptions,
  onInterrupt,
  out,
  terminalSafe,
  UsageError,
  warn,
} from '../core/cli-kit.ts';
import { terminalProgress } from '../core/progress.ts';
import { parseRange, parseTime, TimeRangeError } from '../core/time.ts';
import type { Store } from '../queries/store.ts';
import { openStoreFor } from '../queries/store.ts';
import { apiClientOptions } from './api-client.ts';
import { type AthenaResult, ingestAthena } from './athena.ts';
import { type DirIngestResult, ingestDir } from './ingest-dir.ts';
import { ingestLake, type LakeResult } from './lake.ts';
import type { IngestSummary } from './loader.ts';
import { ingestLookup, type LookupResult } from './lookup.ts';
import { SKIP_RULES } from './outcomes.ts';
import { MAX_FILE_BYTES } from './prepare-file.ts';
import { QuerySourceError } from './query-source.ts';
import { ingestS3, makeS3Client, type S3IngestResult } from './s3.ts';
import {
  formatVerifyReport,
  listPublicKeysPerRegion,
  loadPublicKeys,
  type TrustedKey,
  VerifyError,
  verifyStore,
} from './verify.ts';

/** Counts by name, largest first, each with up to three example names: "3 malformed JSON (a.json, …)". */
function countList(counts: Record<string, number>, examples: Record<string, string[]> = {}): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, n]) => {
      // a digest's .sig is read with the digest: naming a few of thousands adds nothing
      const quiet = label === SKIP_RULES.signature;
      const names = quiet
        ? []
        : [...new Set((examples[label] ?? []).map((l) => basename(l.replace(/\/$/, ''))))];
      const shown = names.slice(0, 3).map((x) => terminalSafe(x));
      const more = names.length > 3 ? ', …' : '';
      return `${n} ${terminalSafe(label)}${shown.length > 0 ? ` (${shown.join(', ')}${more})` : ''}`;
    })
    .join(', ');
}

type SummaryInput = IngestSummary &
  Partial<Pick<DirIngestResult, 'found' | 'skippedFiles' | 'unaccounted' | 'interrupted'>>;

/**
 * The end-of-run summary: one outcome per file found (loaded, already in the ledger, duplicate,
 * rejected by reason, skipped by rule), then events. Everything from input is shown escaped.
 */
export function formatIngestSummary(s: SummaryInput): string {
  const alreadyLoaded = s.skipped - (s.alreadyRejected ?? 0) - (s.alreadyDuplicate ?? 0);
  const skippedByRule = s.skippedByRule ?? {};
  const skippedTotal = Object.values(skippedByRule).reduce((a, b) => a + b, 0);
  const files = [
    `${s.found ?? s.files} seen`,
    `${s.loaded} loaded`,
    `${alreadyLoaded} already loaded`,
    ...(s.alreadyRejected ? [`${s.alreadyRejected} already rejected`] : []),
    ...(s.alreadyDuplicate ? [`${s.alreadyDuplicate} already duplicate`] : []),
    `${s.duplicateFiles} duplicate content`,
    `${s.rejectedFiles} rejected`,
    `${s.digests} digest`,
    ...(skippedTotal > 0 ? [`${skippedTotal} skipped by rule`] : []),
  ];
  const lines = [`files:   ${files.join(', ')}`];
  if (s.rejectedFiles > 0 && s.rejectedByReason) lines.push(`rejected: ${countList(s.rejectedByReason)}`);
  if (skippedTotal > 0) lines.push(`skipped: ${countList(skippedByRule, s.skippedFiles)}`);
  lines.push(
    `events:  ${s.eventsNew} new, ${s.eventsDuplicate} duplicate, ${s.recordsRejected} records rejected (of ${s.records} records)`,
    `time:    ${s.seconds.toFixed(1)} s${s.seconds > 0 ? ` (${Math.round(s.records / s.seconds)} records/s)` : ''}`,
  );
  if (s.unaccounted) {
    lines.push(
      s.interrupted
        ? `not read: ${s.unaccounted} files found were not read before the run stopped; run again`
        : `unaccounted: ${s.unaccounted} files found have no outcome; this is a copytrail bug, please report it`,
    );
  }
  if (s.rejectedFiles + s.recordsRejected > 0) {
    lines.push(`see the reasons: copytrail query "select location, record_index, reason from rejects"`);
  }
  return terminalSafe(lines.join('\n'), { multiline: true });
}

export function splitList(value: string | undefined, flag: string, pattern?: RegExp): string[] | undefined {
  if (value === undefined || value === 'all') return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (pattern && !pattern.test(item)) throw new UsageError(`${flag}: '${item}' is not valid`);
  }
  return items;
}

function rangeFrom(since: string, until?: string) {
  try {
    return parseRange(since, until);
  } catch (err) {
    if (err instanceof TimeRangeError) throw new UsageError(err.message);
    throw err;
  }
}

export function formatS3Summary(r: S3IngestResult): string {
  const lines = [
    `listed:  ${r.units} day folders, ${r.objectsListed} objects${r.interrupted ? ' (interrupted: run again to resume)' : ''}`,
    formatIngestSummary(r),
  ];
  if (r.previouslyRejected + r.previouslyDuplicate > 0) {
    lines.push(
      `earlier: ${r.previouslyRejected} rejected by an earlier run and unchanged, ${r.previouslyDuplicate} duplicate content seen earlier (neither read again)`,
    );
  }
  if (r.retried + r.refetched > 0) {
    lines.push(
      `fetch:   ${r.retried} objects needed more than one try, ${r.refetched} that an earlier run could not fetch were fetched now`,
    );
  }
  const list = (items: string[]) => {
    for (const item of items.slice(0, 10)) lines.push(`  ${item}`);
    if (items.length > 10) lines.push(`  … and ${items.length - 10} more`);
  };
  if (r.listingsFailed.length > 0) {
    lines.push(`could not list ${r.listingsFailed.length} prefix(es); coverage records them as errors:`);
    list(r.listingsFailed.map((f) => `${f.prefix}: ${f.error}`));
  }
  if (r.objectsFailed.length > 0) {
    lines.push(
      `could not fetch ${r.objectsFailed.length} object(s) after every try; their folders' coverage is in error and the next run fetches them again:`,
    );
    list(r.objectsFailed.map((f) => `${f.key}: ${f.error} (${f.attempts} tries)`));
    lines.push(
      `still missing: copytrail query "select location, error from fetch_failures where resolved_at is null"`,
    );
  }
  if (r.notFetched > 0) {
    lines.push(`stopped: ${r.notFetched} objects not fetched; run the same command again to fetch them`);
  }
  return lines.join('\n');
}

/** The lines a stopped run leaves on stderr, so a log shows what was kept even without a terminal. */
export function formatS3Stopped(r: S3IngestResult, signal: string): string {
  const left = r.stoppedWhileListing
    ? 'left to fetch: everything, the day folders were not all listed yet'
    : `left to fetch: ${r.notFetched} objects${r.objectsFailed.length ? `, and ${r.objectsFailed.length} that failed` : ''}`;
  return [
    `copytrail: stopped by ${signal}`,
    `saved: ${r.loaded} files loaded, ${r.eventsNew} new events (committed; the ledger lists each file)`,
    `${left}; run the same command again to fetch the rest`,
  ].join('\n');
}

export function formatLookupSummary(r: LookupResult): string {
  const read = r.units.filter((u) => !u.skipped && !u.error);
  const lines = [
    `regions: ${read.length} account-regions read, ${r.units.filter((u) => u.skipped).length} skipped (not enabled), ${r.units.filter((u) => u.error).length} failed, ${r.units.filter((u) => u.truncated).length} truncated; ${r.throttled} throttled requests retried`,
    formatIngestSummary(r),
  ];
  for (const u of r.units.filter((x) => x.error)) lines.push(`  ${u.account} ${u.region}: ${u.error}`);
  return lines.join('\n');
}

export function formatQuerySummary(r: AthenaResult | LakeResult, id: string): string {
  const lines = [
    `query:   ${id}: ${r.rows} rows in ${r.pages} pages${r.dataScannedBytes !== null ? `, ${(r.dataScannedBytes / 1e6).toFixed(1)} MB scanned` : ''}; ${r.throttled} throttled calls retried; coverage for ${r.coverageUnits} account-regions`,
    formatIngestSummary(r),
  ];
  for (const n of r.notes.slice(0, 10)) lines.push(`  note: ${n}`);
  if (r.notes.length > 10) lines.push(`  … and ${r.notes.length - 10} more notes`);
  return lines.join('\n');
}

const ACCOUNT_LIST = ACCOUNT_ID;
const REGION_LIST = REGION_CODE;
const EVENT_LIST = EVENT_NAME;

/** After a stop by signal: what is safe in the store, on stderr even when output is piped. */
function reportStop(stop: ReturnType<typeof onInterrupt>, s: IngestSummary): void {
  if (!stop.settleExitCode()) return;
  warn(
    `copytrail: stopped by ${stop.received}: ${s.loaded} files and ${s.eventsNew} new events are committed; run the same command again to read the rest`,
  );
}

function asUsage(err: unknown): never {
  // a bad value caught before any call is a usage error; anything after is a failure
  if (err instanceof QuerySourceError && /^--/.test(err.message)) throw new UsageError(err.message);
  throw err;
}

interface VerifyFlags {
  publicKeys?: string;
  source?: string;
  since?: string;
  until?: string;
}

/** Runs verification, prints the report, and sets exit code 1 unless every file and digest in scope is valid. */
async function runVerify(store: Store, flags: VerifyFlags): Promise<void> {
  let keys: TrustedKey[] | undefined;
  try {
    keys = flags.publicKeys ? loadPublicKeys(flags.publicKeys) : undefined;
  } catch (err) {
    if (err instanceof VerifyError) throw new UsageError(err.message);
    throw err;
  }
  const sources = splitList(flags.source, '--source', /^(dir|s3)$/);
  let since: number | null = null;
  let until: number | null = null;
  try {
    if (flags.since) since = parseTime(flags.since, '--since').getTime();
    if (flags.until) until = parseTime(flags.until, '--until').getTime();
  } catch (err) {
    if (err instanceof TimeRangeError) throw new UsageError(err.message);
    throw err;
  }
  if (since !== null && until !== null && until <= since)
    throw new UsageError('--until must be later than --since');
  const report = await verifyStore(store, {
    keys,
    fetchKeys: keys ? undefined : listPublicKeysPerRegion(),
    sources,
    since,
    until,
  });
  out(formatVerifyReport(report));
  if (!report.ok) process.exitCode = 1;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'prove ingested trail log files against CloudTrail digests: signatures, the digest chain, every listed hash; exit 1 unless all valid',
    )
    .option(
      '--public-keys <file>',
      'trust these keys instead of calling ListPublicKeys: PEM, or a saved `aws cloudtrail list-public-keys` answer (offline)',
    )
    .option('--source <sources>', "only files ingested by these sources: 'dir', 's3' or 'dir,s3' (default)")
    .option('--since <time>', 'only log files delivered from this time (and the digests covering them)')
    .option('--until <time>', 'only log files delivered before this time')
    .action(async (opts: VerifyFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      existingDbPath(global, 'ingest a trail first');
      const store = await openStoreFor(global);
      try {
        await runVerify(store, opts);
      } finally {
        store.close();
      }
    });
}

interface DirFlags extends VerifyFlags {
  verify?: boolean;
  maxFileSize?: string;
}

function parseMaxFileSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = byteSize(MAX_FILE_BYTES).safeParse(value);
  if (!parsed.success) throw new UsageError(`--max-file-size: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export function registerIngest(program: Command): void {
  const ingest = program.command('ingest').description('load CloudTrail records into the store');
  ingest
    .command('dir')
    .description(
      'load local files: a downloaded trail bucket (account or organization layout) or loose files',
    )
    .argument('<paths...>', 'files or folders (.json, .json.gz, NDJSON, .json.cloudtrail, .zip)')
    .option('--verify', 'verify digests and log files after loading (see `copytrail verify`)')
    .option('--public-keys <file>', 'with --verify: PEM or ListPublicKeys JSON, for offline verification')
    .option(
      '--max-file-size <size>',
      `largest file read, after decompression, e.g. 256MB or 64MiB (default and ceiling: ${MAX_FILE_BYTES} bytes)`,
    )
    .action(async (paths: string[], opts: DirFlags, cmd: Command) => {
      const maxFileBytes = parseMaxFileSize(opts.maxFileSize);
      const store = await openStoreFor(cmd.optsWithGlobals<GlobalOptions>());
      const stop = onInterrupt();
      try {
        const summary = await ingestDir(store, paths, terminalProgress('ingest'), stop.signal, {
          maxFileBytes,
        });
        out(formatIngestSummary(summary));
        reportStop(stop, summary);
        if (opts.verify && !stop.received) await runVerify(store, opts);
      } finally {
        stop.settleExitCode();
        stop.release();
        store.close();
      }
    });

  ingest
    .command('lookup')
    .description('read CloudTrail Event history (LookupEvents, last 90 days) in every enabled region')
    .option('--regions <names>', "comma-separated regions, or 'all' enabled regions", 'all')
    .option('--accounts <ids>', 'comma-separated account ids to read through --role-name')
    .option('--org-accounts', 'read every active account of the organization (Organizations ListAccounts)')
    .option('--role-name <name>', 'role to assume in each account')
    .requiredOption('--since <time>', 'start: 2026-03-01, 2026-03-01T12:00:00Z or a span like 7d')
    .option('--until <time>', 'end (default: now)')
    .option('--all-management', 'every management event, not only the ones lineage needs')
    .option('--profile <name>', 'AWS profile, as in the AWS CLI (the SDK default chain reads it)')
    .action(async (opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.profile) process.env.AWS_PROFILE = String(opts.profile);
      const accounts = splitList(opts.accounts as string | undefined, '--accounts', ACCOUNT_ID);
      if ((accounts || opts.orgAccounts) && !opts.roleName) {
        throw new UsageError('--role-name is needed with --accounts or --org-accounts');
      }
      const range = rangeFrom(String(opts.since), opts.until as string | undefined);
      const store = await openStoreFor(global);
      const stop = onInterrupt('stopping after the page in flight');
      try {
        const r = await ingestLookup(
          store,
          {
            regions: splitList(opts.regions as string, '--regions', /^[a-z]{2}(-[a-z]+)+-\d+$/),
            accounts,
            orgAccounts: Boolean(opts.orgAccounts),
            roleName: opts.roleName as string | undefined,
            range,
            allManagement: Boolean(opts.allManagement),
            signal: stop.signal,
          },
          terminalProgress('lookup'),
        );
        out(formatLookupSummary(r));
        reportStop(stop, r);
      } finally {
        stop.settleExitCode();
        stop.release();
        store.close();
      }
    });

  ingest
    .command('athena')
    .description('query the trail bucket through Athena, filter pushed down; load only what lineage needs')
    .requiredOption('--database <name>', 'Glue/Athena database of the CloudTrail table')
    .requiredOption('--table <name>', 'the CloudTrail table (see --create-table)')
    .option('--workgroup <name>', 'Athena workgroup (default: primary)')
    .option('--output <s3uri>', 'query result location, s3://bucket/prefix/ (default: the workgroup setting)')
    .requiredOption('--since <time>', 'start: 2026-03-01, 2026-03-01T12:00:00Z or a span like 7d')
    .option('--until <time>', 'end (default: now)')
    .option('--accounts <ids>', 'comma-separated account ids (partition predicate)')
    .option('--regions <names>', 'comma-separated regions (partition predicate)')
    .option('--extra-events <names>', 'comma-separated event names to pull beyond the lineage set')
    .option('--all-kms', 'keep KMS records about other resources too (full key-usage timelines)')
    .option(
      '--create-table',
      'create the table (partition projection by account, region, day) if it does not exist',
    )
    .option(
      '--trail-location <s3uri>',
      'with --create-table: s3://bucket[/prefix]/AWSLogs/ or …/AWSLogs/o-…/',
    )
    .option('--region <region>', 'region of the Athena workgroup (default: $AWS_REGION or us-east-1)')
    .option('--profile <name>', 'AWS profile, as in the AWS CLI (the SDK default chain reads it)')
    .action(async (opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.profile) process.env.AWS_PROFILE = String(opts.profile);
      if (opts.createTable && !opts.trailLocation)
        throw new UsageError('--create-table needs --trail-location');
      const range = rangeFrom(String(opts.since), opts.until as string | undefined);
      const filter = {
        since: range.since,
        until: range.until,
        accounts: splitList(opts.accounts as string | undefined, '--accounts', ACCOUNT_LIST),
        regions: splitList(opts.regions as string | undefined, '--regions', REGION_LIST),
        extraEvents: splitList(opts.extraEvents as string | undefined, '--extra-events', EVENT_LIST),
        allKms: Boolean(opts.allKms),
      };
      const client = new AthenaClient({
        ...apiClientOptions(),
        region: (opts.region as string) ?? process.env.AWS_REGION ?? 'us-east-1',
      });
      const store = await openStoreFor(global);
      const stop = onInterrupt('stopping the query');
      const { signal } = stop;
      try {
        const r = await ingestAthena(
          store,
          client,
          {
            ...filter,
            database: String(opts.database),
            table: String(opts.table),
            workgroup: opts.workgroup as string | undefined,
            output: opts.output as string | undefined,
            createTable: opts.createTable ? { trailLocation: String(opts.trailLocation) } : undefined,
            signal,
          },
          terminalProgress('athena'),
        ).catch(asUsage);
        out(formatQuerySummary(r, `athena ${r.queryExecutionId}`));
        reportStop(stop, r);
      } finally {
        stop.settleExitCode();
        stop.release();
        client.destroy();
        store.close();
      }
    });

  ingest
    .command('lake')
    .description(
      'query a CloudTrail Lake event data store, filter pushed down (Lake is closed to new customers since 2026-05-31)',
    )
    .requiredOption('--event-data-store <id>', 'event data store id or ARN')
    .requiredOption('--since <time>', 'start: 2026-03-01, 2026-03-01T12:00:00Z or a span like 7d')
    .option('--until <time>', 'end (default: now)')
    .option('--accounts <ids>', 'comma-separated account ids')
    .option('--regions <names>', 'comma-separated regions')
    .option('--extra-events <names>', 'comma-separated event names to pull beyond the lineage set')
    .option('--all-kms', 'keep KMS records about other resources too (full key-usage timelines)')
    .option('--owner-account <id>', 'owner of a shared event data store')
    .option('--region <region>', 'region of the event data store (default: $AWS_REGION or us-east-1)')
    .option('--profile <name>', 'AWS profile, as in the AWS CLI (the SDK default chain reads it)')
    .action(async (opts: Record<string, string | undefined> & { allKms?: boolean }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.profile) process.env.AWS_PROFILE = opts.profile;
      if (opts.ownerAccount && !ACCOUNT_LIST.test(opts.ownerAccount))
        throw new UsageError(`--owner-account: '${opts.ownerAccount}' is not an account id`);
      const range = rangeFrom(opts.since!, opts.until);
      const client = new CloudTrailClient({
        ...apiClientOptions(),
        region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
      });
      const store = await openStoreFor(global);
      const stop = onInterrupt('stopping the query');
      const { signal } = stop;
      try {
        const r = await ingestLake(
          store,
          client,
          {
            eventDataStore: opts.eventDataStore!,
            ownerAccountId: opts.ownerAccount,
            since: range.since,
            until: range.until,
            accounts: splitList(opts.accounts, '--accounts', ACCOUNT_LIST),
            regions: splitList(opts.regions, '--regions', REGION_LIST),
            extraEvents: splitList(opts.extraEvents, '--extra-events', EVENT_LIST),
            allKms: Boolean(opts.allKms),
            signal,
          },
          terminalProgress('lake'),
        ).catch(asUsage);
        out(formatQuerySummary(r, `lake ${r.queryId}`));
        reportStop(stop, r);
      } finally {
        stop.settleExitCode();
        stop.release();
        client.destroy();
        store.close();
      }
    });

  ingest
    .command('s3')
    .description('read a CloudTrail bucket (account or organization layout) over the S3 API')
    .requiredOption('--bucket <name>', 'the trail bucket')
    .option('--prefix <prefix>', 'key prefix the trail writes under (before AWSLogs/)')
    .option('--org-id <o-id>', 'only this organization trail folder')
    .option('--accounts <ids>', 'comma-separated account ids (default: every account found)')
    .option('--regions <names>', "comma-separated regions, or 'all'", 'all')
    .requiredOption('--since <time>', 'start: 2026-03-01, 2026-03-01T12:00:00Z or a span like 7d')
    .option('--until <time>', 'end (default: now)')
    .option('--endpoint-url <url>', 'S3-compatible endpoint, as in the AWS CLI (path-style addressing)')
    .option('--region <region>', 'region of the bucket (default: $AWS_REGION or us-east-1)')
    .option('--profile <name>', 'AWS profile, as in the AWS CLI (the SDK default chain reads it)')
    .option('--concurrency <n>', 'parallel downloads', '16')
    .option('--spool <dir>', "where this database's download spool goes (default: <db>.spool beside it)")
    .option('--verify', 'verify digests and log files after loading (see `copytrail verify`)')
    .option('--public-keys <file>', 'with --verify: PEM or ListPublicKeys JSON, for offline verification')
    .action(async (opts: Record<string, string | undefined>, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.orgId && !/^o-[a-z0-9]{10,32}$/.test(opts.orgId))
        throw new UsageError(`--org-id: '${opts.orgId}' is not an organization id`);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
        throw new UsageError('--concurrency must be a whole number from 1 to 256');
      }
      if (opts.profile) process.env.AWS_PROFILE = opts.profile;
      const range = rangeFrom(opts.since!, opts.until);
      // one retry layer: ingest retries each object itself, so a throttled one waits without its place
      const client = makeS3Client({ endpointUrl: opts.endpointUrl, region: opts.region, maxAttempts: 1 });
      const store = await openStoreFor(global);
      const interrupt = onInterrupt('no new downloads; committing what has arrived');
      try {
        const r = await ingestS3(
          store,
          client,
          {
            bucket: opts.bucket!,
            prefix: opts.prefix,
            orgId: opts.orgId,
            accounts: splitList(opts.accounts, '--accounts', ACCOUNT_ID),
            regions: splitList(opts.regions, '--regions', /^[a-z]{2}(-[a-z]+)+-\d+$/),
            range,
            concurrency,
            spoolDir: opts.spool === undefined ? undefined : resolve(opts.spool),
            signal: interrupt.signal,
          },
          terminalProgress('s3'),
        );
        out(formatS3Summary(r));
        if (interrupt.settleExitCode()) {
          warn(formatS3Stopped(r, interrupt.received!));
          return;
        }
        // verify what this run covered: the day before --since is read too, so a chain's first
        // digest in range would otherwise look unlinked
        if (opts.verify)
          await runVerify(store, {
            publicKeys: opts.publicKeys,
            source: 's3',
            since: range.since.toISOString(),
            until: range.until.toISOString(),
          });
        // something asked for could not be read: everything else is loaded, and the summary names it
        if (r.unitsFailed.length > 0) process.exitCode = 1;
      } finally {
        interrupt.release();
        client.destroy();
        store.close();
      }
    });
}
