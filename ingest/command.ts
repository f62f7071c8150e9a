// The `ingest <source>` subcommands, one per source declared in core/sources.ts: each command's
// options are built from its declaration, its action parses argv into the source's spec, runs
// readSource (the scheduler's reader too) and prints that source's summary.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import {
  type GlobalOptions,
  type Interrupt,
  onInterrupt,
  out,
  summary,
  toJson,
  UsageError,
  warn,
} from '../core/cli-kit.ts';
import { terminalProgress } from '../core/progress.ts';
import {
  commandFields,
  flagOf,
  isOptional,
  type ParsedSource,
  parseSourceArgs,
  shownDefault,
} from '../core/source-flags.ts';
import { SOURCE_TYPES, SOURCES, type SourceType } from '../core/sources.ts';
import { openStoreFor } from '../queries/open-store.ts';
import type { Store } from '../queries/store.ts';
import type { IngestSummary } from './loader.ts';
import { QuerySourceError } from './query-source.ts';
import type { readSource as ReadSource } from './read-source.ts';
import {
  formatIngestSummary,
  formatLookupSummary,
  formatQuerySummary,
  formatS3Stopped,
  formatS3Summary,
} from './summary.ts';
import { runVerify } from './verify-command.ts';

/** The source readers, and the AWS SDK behind them, load when an ingest runs, not at start-up. */
const readSource: typeof ReadSource = async (...args) =>
  (await import('./read-source.ts')).readSource(...args);

/** Adds the options (and arguments) a source declares to its command. */
export function addSourceOptions(cmd: Command, type: SourceType): Command {
  for (const [key, f] of commandFields(SOURCES[type])) {
    if (f.kind === 'paths') {
      cmd.argument(`<${key}...>`, f.help);
      continue;
    }
    const shown = shownDefault(f);
    const option = new Option(
      f.value ? `${flagOf(key)} ${f.value}` : flagOf(key),
      shown === undefined ? f.help : `${f.help} (default: ${shown})`,
    );
    cmd.addOption(isOptional(f) ? option : option.makeOptionMandatory());
  }
  return cmd;
}

/** The global options a source may also declare: its own spelling is the same flag (cli.ts). */
const GLOBAL_KEYS: Record<string, keyof GlobalOptions> = {
  region: 'region',
  profile: 'profile',
  endpoint_url: 'endpointUrl',
};

/**
 * A parsed command's values → the source's spec, its command-line-only flags and its window. A
 * source's --region, --profile or --endpoint-url written before `ingest` (the global spelling) is
 * the same value as written after it.
 */
function parsedFrom<T extends SourceType>(type: T, cmd: Command, now?: Date): ParsedSource<T> {
  const given: Record<string, unknown> = {};
  const global: GlobalOptions = cmd.parent ? cmd.optsWithGlobals<GlobalOptions>() : {};
  for (const [key, f] of commandFields(SOURCES[type])) {
    if (f.kind === 'paths') {
      given[key] = cmd.processedArgs[0];
      continue;
    }
    const option = cmd.options.find((o) => o.long === flagOf(key));
    if (option) given[key] = cmd.getOptionValue(option.attributeName());
    const globalKey = GLOBAL_KEYS[key];
    if (given[key] === undefined && globalKey) given[key] = global[globalKey];
  }
  return parseSourceArgs(type, given, now);
}

/** What `copytrail ingest <type> ARGV…` would read, without reading it; a bad value is a UsageError. */
export function parseIngestArgs<T extends SourceType>(type: T, argv: string[], now?: Date): ParsedSource<T> {
  const cmd = addSourceOptions(new Command(type), type)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  cmd.parse(argv, { from: 'user' });
  return parsedFrom(type, cmd, now);
}

/** After a stop by signal: what is safe in the store, on stderr even when output is piped. */
function reportStop(stop: Interrupt, s: IngestSummary): void {
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

interface IngestCommand<T extends SourceType> {
  /** what a first Ctrl-C does, in the words of this source */
  stopping?: string;
  /**
   * The AWS service a global --endpoint-url points at, for a source with no endpoint_url of its own:
   * the SDK reads AWS_ENDPOINT_URL_<SERVICE> for that service's client only (STS and Organizations
   * calls of the same run still go to AWS).
   */
  endpointService?: 'CLOUDTRAIL' | 'ATHENA';
  /** reads the source with the store open and the interrupt armed, and says what happened */
  run(store: Store, parsed: ParsedSource<T>, stop: Interrupt, global: GlobalOptions): Promise<void>;
}

const COMMANDS: { [T in SourceType]: IngestCommand<T> } = {
  dir: {
    async run(store, { spec, flags }, stop, global) {
      const { result } = await readSource(store, spec, {
        signal: stop.signal,
        progress: terminalProgress('ingest'),
        maxFileBytes: flags.max_file_size,
      });
      // with --output json and --verify, one document holds both the ingest and the verdict
      const oneDocument = flags.verify && global.output === 'json';
      if (!oneDocument) summary(global, formatIngestSummary(result), result);
      reportStop(stop, result);
      if (!flags.verify || stop.received) {
        if (oneDocument) out(toJson(result));
        return;
      }
      const verify = await runVerify(store, { publicKeys: flags.public_keys }, { print: !oneDocument });
      if (oneDocument) out(toJson({ ingest: result, verify }));
    },
  },

  s3: {
    stopping: 'no new downloads; committing what has arrived',
    async run(store, { spec, flags, range }, stop, global) {
      const { result } = await readSource(store, spec, {
        range,
        signal: stop.signal,
        progress: terminalProgress('s3'),
        spoolDir: flags.spool === undefined ? undefined : resolve(flags.spool),
      });
      const oneDocument = flags.verify && global.output === 'json';
      if (!oneDocument) summary(global, formatS3Summary(result), result);
      if (stop.settleExitCode()) {
        if (oneDocument) out(toJson(result));
        warn(formatS3Stopped(result, stop.received!));
        return;
      }
      // verify what this run covered: the day before --since is read too, so a chain's first
      // digest in range would otherwise look unlinked
      if (flags.verify) {
        const verify = await runVerify(
          store,
          {
            publicKeys: flags.public_keys,
            source: 's3',
            since: range!.since.toISOString(),
            until: range!.until.toISOString(),
          },
          { print: !oneDocument },
        );
        if (oneDocument) out(toJson({ ingest: result, verify }));
      }
      // something asked for could not be read: everything else is loaded, and the summary names it
      if (result.unitsFailed.length > 0) process.exitCode = 1;
    },
  },

  lookup: {
    stopping: 'stopping after the page in flight',
    endpointService: 'CLOUDTRAIL',
    async run(store, { spec, range }, stop, global) {
      const { result } = await readSource(store, spec, {
        range,
        signal: stop.signal,
        progress: terminalProgress('lookup'),
      });
      summary(global, formatLookupSummary(result), result);
      reportStop(stop, result);
    },
  },

  athena: {
    stopping: 'stopping the query',
    endpointService: 'ATHENA',
    async run(store, { spec, flags, range }, stop, global) {
      const { result } = await readSource(store, spec, {
        range,
        signal: stop.signal,
        progress: terminalProgress('athena'),
        createTable: flags.create_table ? { trailLocation: flags.trail_location! } : undefined,
      }).catch(asUsage);
      summary(global, formatQuerySummary(result, `athena ${result.queryExecutionId}`), result);
      reportStop(stop, result);
    },
  },

  lake: {
    stopping: 'stopping the query',
    endpointService: 'CLOUDTRAIL',
    async run(store, { spec, range }, stop, global) {
      const { result } = await readSource(store, spec, {
        range,
        signal: stop.signal,
        progress: terminalProgress('lake'),
      }).catch(asUsage);
      summary(global, formatQuerySummary(result, `lake ${result.queryId}`), result);
      reportStop(stop, result);
    },
  },
};

async function runIngest<T extends SourceType>(type: T, cmd: Command): Promise<void> {
  // every value is checked before the store is opened: a usage error creates no database
  const parsed = parsedFrom(type, cmd);
  const global = cmd.optsWithGlobals<GlobalOptions>();
  // credentials only ever come from the SDK's default chain: a profile is its name, never a key
  const profile = (parsed.flags as { profile?: string }).profile ?? global.profile;
  if (profile) process.env.AWS_PROFILE = profile;
  const command = COMMANDS[type] as IngestCommand<T>;
  if (global.endpointUrl && command.endpointService)
    process.env[`AWS_ENDPOINT_URL_${command.endpointService}`] = global.endpointUrl;
  const store = await openStoreFor(global);
  const stop = onInterrupt(command.stopping);
  try {
    await command.run(store, parsed, stop, global);
  } finally {
    stop.settleExitCode();
    stop.release();
    store.close();
  }
}

export function registerIngest(program: Command): void {
  const ingest = program.command('ingest').description('load CloudTrail records into the store');
  for (const type of SOURCE_TYPES) {
    const cmd = addSourceOptions(ingest.command(type).description(SOURCES[type].description), type);
    // commander passes the arguments, the options and the command itself: the command is last
    cmd.action((...args: unknown[]) => runIngest(type, args.at(-1) as Command));
  }
}
