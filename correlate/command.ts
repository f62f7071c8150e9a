// The `correlate` and `lineage` commands.

import type { Command } from 'commander';
import {
  type GlobalOptions,
  onInterrupt,
  out,
  outputOf,
  summary,
  UsageError,
  warn,
} from '../core/cli-kit.ts';
import { openStoreFor } from '../queries/open-store.ts';
import type { LineageFormat } from './lineage.ts';

// the formats are listed here, not imported: lineage.ts (and zod) loads only when lineage runs
const LINEAGE_FORMATS = ['table', 'json', 'csv', 'text', 'dot'] as const satisfies readonly LineageFormat[];

export function registerCorrelate(program: Command): void {
  program
    .command('correlate')
    .description('link copy calls to the KMS and service events they caused (copy lineage)')
    .action(async (_opts, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const store = await openStoreFor(global);
      // the rules and their schemas load when correlate runs, not at start-up
      const { correlate, formatCorrelateSummary } = await import('./correlate.ts');
      // correlate rebuilds the lineage in one transaction: a signal stops the statement running and
      // the transaction rolls back, so the lineage stays as the last completed run left it (KMS join
      // keys already extracted and committed are kept for the next run)
      const stop = onInterrupt('stopping correlate; the lineage stays as the last completed run left it');
      stop.signal.addEventListener('abort', () => store.interrupt(), { once: true });
      try {
        const result = await correlate(store, stop.signal);
        summary(global, formatCorrelateSummary(result), result);
      } catch (err) {
        if (!stop.received) throw err;
        warn(
          `correlate stopped by ${stop.received}: rolled back, the lineage is as the last completed run left it`,
        );
      } finally {
        stop.settleExitCode();
        stop.release();
        store.close();
      }
    });

  program
    .command('lineage')
    .description(
      'where a snapshot, AMI, DB snapshot or recovery point came from and went: origin to every descendant',
    )
    .argument(
      '[id]',
      'artifact id or ARN (snap-…, ami-…, DB snapshot name or ARN, recovery point ARN) or a copy id',
    )
    .option('--all', 'every copy')
    .option(
      '--format <format>',
      `output: ${LINEAGE_FORMATS.join('|')} (default: --output, else table; a table is shortened to the terminal's width)`,
    )
    .action(async (id: string | undefined, opts: { all?: boolean; format?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const format = outputOf<LineageFormat>(global, opts.format, LINEAGE_FORMATS);
      if (!id && !opts.all) throw new UsageError('give an artifact or copy id, or --all');
      const store = await openStoreFor(global, 'read');
      try {
        const { lineage, renderLineage, terminalWidth } = await import('./lineage.ts');
        const records = await lineage(store, opts.all ? null : id!);
        if (records.length === 0 && id) {
          throw new UsageError(`no copy lineage for '${id}' (run copytrail correlate after ingesting?)`);
        }
        out(renderLineage(records, format, terminalWidth()));
      } finally {
        store.close();
      }
    });
}
