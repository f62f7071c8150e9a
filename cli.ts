// copytrail: the one executable. Each stage registers its own subcommands; only this file exits.
import { Command, CommanderError } from 'commander';
import { out, UsageError, warn } from './core/cli-kit.ts';
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

export function buildProgram(): Command {
  const program = new Command('copytrail')
    .description('Where did copies of your AWS data go? CloudTrail copy lineage with KMS evidence.')
    .version(VERSION, '--version', 'print the version of copytrail and exit')
    .option('--db <file>', 'DuckDB database file (default: $COPYTRAIL_DB or ./copytrail.duckdb)')
    .option('--debug', 'print the stack trace of a failure (also COPYTRAIL_DEBUG=1)')
    .option(
      '--no-color',
      'accepted for scripts that pass it: copytrail writes no colour codes (nor with NO_COLOR)',
    )
    .showHelpAfterError()
    .exitOverride();
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

process.exitCode = await main(process.argv);
