// The `correlate` and `lineage` commands.

import type { Command } from 'commander';
import { type GlobalOptions, onInterrupt, out, UsageError, warn } from '../core/cli-kit.ts';
import { openStoreFor } from '../queries/open-store.ts';
import { correlate, formatCorrelateSummary } from './correlate.ts';
import { LINEAGE_FORMATS, type LineageFormat, lineage, renderLineage } from './lineage.ts';

export function registerCorrelate(program: Command): void {
  program
    .command('correlate')
    .description('link copy calls to the KMS and service events they caused (copy lineage)')
    .action(async (_opts, cmd: Command) => {
      const store = await openStoreFor(cmd.optsWithGlobals<GlobalOptions>());
      // correlate rebuilds the lineage in one transaction: a signal stops the statement running and
      // the transaction rolls back, so the lineage stays as the last completed run left it
      const stop = onInterrupt('stopping correlate; the lineage stays as the last completed run left it');
      stop.signal.addEventListener('abort', () => store.interrupt(), { once: true });
      try {
        out(formatCorrelateSummary(await correlate(store, stop.signal)));
      } catch (err) {
        if (!stop.received) throw err;
        warn(`correlate stopped by ${stop.received}: rolled back, nothing changed`);
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
    .option('--format <format>', `output: ${LINEAGE_FORMATS.join('|')}`, 'table')
    .action(async (id: string | undefined, opts: { all?: boolean; format: string }, cmd: Command) => {
      if (!LINEAGE_FORMATS.includes(opts.format as LineageFormat)) {
        throw new UsageError(`--format must be one of ${LINEAGE_FORMATS.join(', ')}, not '${opts.format}'`);
      }
      if (!id && !opts.all) throw new UsageError('give an artifact or copy id, or --all');
      const store = await openStoreFor(cmd.optsWithGlobals<GlobalOptions>(), 'read');
      try {
        const records = await lineage(store, opts.all ? null : id!);
        if (records.length === 0 && id) {
          throw new Error(`no copy lineage for '${id}' (run copytrail correlate after ingesting?)`);
        }
        out(renderLineage(records, opts.format as LineageFormat));
      } finally {
        store.close();
      }
    });
}
