// `copytrail query "SQL"`: ad-hoc questions against the store, for analysts.
import type { Command } from 'commander';
import { type GlobalOptions, openStoreFor, out, UsageError } from '../pipeline/cli-kit.ts';
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from './format.ts';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run SQL against the store and print the rows')
    .argument('<sql>', 'a SQL statement, e.g. "select event_name, count(*) from events group by all"')
    .option('--format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`, 'table')
    .action(async (sql: string, opts: { format: string }, cmd: Command) => {
      if (!OUTPUT_FORMATS.includes(opts.format as OutputFormat)) {
        throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, not '${opts.format}'`);
      }
      const store = await openStoreFor(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const result = await store.userQuery(sql);
        out(formatRows(result.columns, result.rows, opts.format as OutputFormat));
      } finally {
        store.close();
      }
    });
}
