// copytrail: the one executable. Each stage registers its own subcommands; only this file exits.
import { Command, CommanderError } from 'commander';
import {
  checkProfile,
  type GlobalOptions,
  OUTPUTS,
  out,
  parseOutput,
  UsageError,
  warn,
} from './core/cli-kit.ts';
import { type CompletionNode, completionScript, SHELLS, type Shell } from './core/completion.ts';
import { VERSION } from './core/version.ts';
import { registerCorrelate } from './correlate/command.ts';
import { registerExport } from './export/command.ts';
import { registerIngest } from './ingest/command.ts';
import { registerVerify } from './ingest/verify-command.ts';
import { registerDemo } from './pipeline/command.ts';
import { registerSchedule } from './pipeline/schedule-command.ts';
import { registerQuery } from './queries/command.ts';
import { registerReport } from './reports/command.ts';
import { registerManifest } from './reports/manifest-command.ts';
import { registerSimulate } from './simulator/command.ts';

/** The command tree as completion reads it: every command, subcommand and long option. */
export function completionTree(cmd: Command): CompletionNode {
  const options = cmd.options.map((o) => o.long ?? o.short).filter((o): o is string => Boolean(o));
  if (!cmd.parent) options.push('--help', '--version');
  else options.push('--help');
  return {
    name: cmd.name(),
    description: cmd.description(),
    options: [...new Set(options)],
    valued: cmd.options.filter((o) => o.required || o.optional).map((o) => o.long ?? o.short ?? ''),
    commands: cmd.commands.map(completionTree),
  };
}

/** The words of argv that name an option: `--flag value` or `--flag=value`, with their positions. */
function flagValues(args: string[], flag: string): { at: number; value: string }[] {
  const found: { at: number; value: string }[] = [];
  args.forEach((a, i) => {
    if (a === flag && i + 1 < args.length) found.push({ at: i, value: args[i + 1]! });
    else if (a.startsWith(`${flag}=`)) found.push({ at: i, value: a.slice(flag.length + 1) });
  });
  return found;
}

/**
 * Commander gives every global option to the program, wherever it is written. A subcommand that has
 * its own option of the same name (`ingest s3 --region`, `ingest athena --output <s3uri>`,
 * `schedule once --endpoint-url`) gets the value written after its name; the program keeps the one
 * written before. For --region, --profile and --endpoint-url both mean the same, so either
 * position works; for athena's --output they differ, and the position decides.
 */
function splitSharedOptions(program: Command, path: Command[]): void {
  const action = path.at(-1)!;
  const words = (program as unknown as { rawArgs: string[] }).rawArgs;
  // where the subcommand's name is: the words after it are its own
  let at = -1;
  for (const c of path) {
    at = words.indexOf(c.name(), at + 1);
    if (at < 0) return;
  }
  for (const option of action.options) {
    const global = program.options.find((o) => o.long === option.long);
    if (!global || !option.long) continue;
    const given = flagValues(words, option.long);
    const before = given.filter((g) => g.at < at).at(-1);
    const after = given.filter((g) => g.at > at).at(-1);
    if (after) action.setOptionValueWithSource(option.attributeName(), after.value, 'cli');
    program.setOptionValueWithSource(global.attributeName(), before?.value, before ? 'cli' : 'default');
  }
}

/**
 * Before any command runs: the global options become what the rest of copytrail reads. --quiet is
 * an environment variable so progress bars and info() see it without being passed it; --profile
 * and --region go to the AWS SDK's default chain (credentials only ever come from there).
 */
function applyGlobals(action: Command): void {
  const path: Command[] = [];
  let program = action;
  for (; program.parent; program = program.parent) path.unshift(program);
  splitSharedOptions(program, path);
  const global = program.opts<GlobalOptions>();
  // a bad --output is a usage error for every command, even one that prints no data
  if (global.output !== undefined) parseOutput(global.output);
  const g = action.optsWithGlobals<GlobalOptions>();
  if (g.quiet) process.env.COPYTRAIL_QUIET = '1';
  // a profile given on the command line, before or after the command's name, must exist
  const profile = (action.getOptionValue('profile') as string | undefined) ?? global.profile;
  if (profile) checkProfile(profile);
  if (g.profile) process.env.AWS_PROFILE = g.profile;
  if (g.region) process.env.AWS_REGION = g.region;
}

export function buildProgram(): Command {
  const program = new Command('copytrail')
    .description('Where did copies of your AWS data go? CloudTrail copy lineage with KMS evidence.')
    .version(VERSION, '--version', 'print the version of copytrail and exit')
    .option('--db <file>', 'DuckDB database file (default: $COPYTRAIL_DB or ./copytrail.duckdb)')
    .option('--profile <name>', 'AWS profile for every AWS call (the SDK default credential chain reads it)')
    .option(
      '--region <region>',
      'AWS region for AWS calls that have no region of their own (default: $AWS_REGION)',
    )
    .option(
      '--endpoint-url <url>',
      'S3-compatible endpoint for S3 reads and delivery; CloudTrail or Athena for those sources',
    )
    .option('--output <format>', `what commands that print data print: ${OUTPUTS.join('|')} (default: table)`)
    .option('--quiet', 'no progress bars and no informational lines; errors and asked-for data still print')
    .option('--debug', 'print the stack trace of a failure (also COPYTRAIL_DEBUG=1)')
    .option(
      '--no-color',
      'accepted for scripts that pass it: copytrail writes no colour codes (nor with NO_COLOR)',
    )
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', (_program, action) => applyGlobals(action));
  registerDemo(program);
  registerIngest(program);
  registerCorrelate(program);
  registerReport(program);
  registerManifest(program);
  registerQuery(program);
  registerVerify(program);
  registerSimulate(program);
  registerSchedule(program);
  registerExport(program);
  program
    .command('completion')
    .description('print a shell completion script: eval "$(copytrail completion bash)", or zsh, or fish')
    .argument('<shell>', SHELLS.join('|'))
    .action((shell: string) => {
      if (!SHELLS.includes(shell as Shell))
        throw new UsageError(`completion: choose ${SHELLS.join(', ')}, not '${shell}'`);
      out(completionScript(completionTree(program), shell as Shell).trimEnd());
    });
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // a command that finished but found a problem (tampering, an interrupted run) sets exitCode
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      warn(`copytrail: ${err.message}`);
      return 2;
    }
    const e = err as Error;
    warn(`copytrail: ${e.message}`);
    if (e.cause instanceof Error && !e.message.includes(e.cause.message)) {
      warn(`  caused by: ${e.cause.message}`);
    }
    // --debug is read from the words given: the failure may have come before parsing finished
    if (process.env.COPYTRAIL_DEBUG || argv.slice(2).includes('--debug'))
      process.stderr.write(`${e.stack}\n`);
    // a command stopped by SIGINT/SIGTERM exits 130/143 even when the stop surfaced as an error
    if (process.exitCode === 130 || process.exitCode === 143) return process.exitCode;
    return 1;
  }
}

// `copytrail lineage --all | head`: a reader that closes the pipe early is not a failure
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = await main(process.argv);
