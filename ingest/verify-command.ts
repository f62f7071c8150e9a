// `copytrail verify`, and the verification `ingest dir|s3 --verify` runs after loading.
import type { Command } from 'commander';
import { type GlobalOptions, out, toJson, UsageError } from '../core/cli-kit.ts';
import { parseTime, TimeRangeError } from '../core/time.ts';
import { openStoreFor } from '../queries/open-store.ts';
import type { Store } from '../queries/store.ts';
import type { TrustedKey } from './verify.ts';

export interface VerifyFlags {
  /** `json`: the report as one JSON document; anything else: the report for people */
  output?: string;
  publicKeys?: string;
  source?: string;
  since?: string;
  until?: string;
}

/** `--source dir,s3` → ['dir', 's3']; absent or 'all' → every source. */
function sourcesFrom(value: string | undefined): string[] | undefined {
  if (value === undefined || value === 'all') return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!/^(dir|s3)$/.test(item)) throw new UsageError(`--source: '${item}' is not valid`);
  }
  return items;
}

/** Runs verification, prints the report, and sets exit code 1 unless every file and digest in scope is valid. */
/**
 * Verifies the store and prints the verdict (unless `print` is false: a caller that prints one JSON
 * document holding it); exit 1 unless everything in scope is valid. Returns the verdict.
 */
export async function runVerify(
  store: Store,
  flags: VerifyFlags,
  { print = true }: { print?: boolean } = {},
): Promise<unknown> {
  // the verifier (and the CloudTrail client behind it) loads when a verification runs
  const { formatVerifyReport, listPublicKeysPerRegion, loadPublicKeys, VerifyError, verifyStore } =
    await import('./verify.ts');
  let keys: TrustedKey[] | undefined;
  try {
    keys = flags.publicKeys ? loadPublicKeys(flags.publicKeys) : undefined;
  } catch (err) {
    if (err instanceof VerifyError) throw new UsageError(err.message);
    throw err;
  }
  const sources = sourcesFrom(flags.source);
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
  // the verdict is what verify was asked for: printed under --quiet too
  if (print) out(flags.output === 'json' ? toJson(report) : formatVerifyReport(report));
  if (!report.ok) process.exitCode = 1;
  return report;
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
    .option(
      '--since <time>',
      'only log files delivered from this time (and the digests covering them): 2026-03-01, 7d back, now',
    )
    .option('--until <time>', 'only log files delivered before this time (same forms)')
    .action(async (opts: VerifyFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      // ListPublicKeys is a CloudTrail call: a global --endpoint-url points it elsewhere
      if (global.endpointUrl) process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = global.endpointUrl;
      const store = await openStoreFor(global, 'read');
      try {
        await runVerify(store, { ...opts, output: global.output });
      } finally {
        store.close();
      }
    });
}
