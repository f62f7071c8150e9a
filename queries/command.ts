// `copytrail query "SQL"`: ad-hoc questions against the store, for analysts. The database is opened
// read-only with file and network access off, so a query can read the store and nothing else.
import type { Command } from 'commander';
import {
  existingDbPath,
  type GlobalOptions,
  OUTPUTS,
  type Output,
  out,
  outputOf,
  renderRows,
  UsageError,
} from '../core/cli-kit.ts';
import type { Store } from './store.ts';

/** The user's SQL was refused or failed: an input error (exit 2), not a failure of copytrail. */
export class QueryRefused extends UsageError {
  override name = 'QueryRefused';
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run read-only SQL against the store and print the rows')
    .argument('<sql>', 'a SQL statement, e.g. "select event_name, count(*) from events group by all"')
    .option('--format <format>', `output format: ${OUTPUTS.join('|')} (default: --output, else table)`)
    .action(async (sql: string, opts: { format?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const format = outputOf<Output>(global, opts.format, OUTPUTS);
      const { Store } = await import('./store.ts');
      const store = await Store.open({
        path: existingDbPath(global),
        readOnly: true,
      });
      try {
        let result: Awaited<ReturnType<Store['userQuery']>>;
        try {
          result = await store.userQuery(sql);
        } catch (cause) {
          const msg = (cause as Error).message.split('\n')[0] ?? '';
          if (
            /read-only mode|disabled by configuration|configuration has been locked|disabled through configuration/.test(
              msg,
            )
          ) {
            throw new QueryRefused(
              `query is read-only: it may read the store and nothing else (no writes, files, ATTACH, INSTALL/LOAD or network): ${msg}`,
              { cause },
            );
          }
          throw new QueryRefused(`query failed: ${msg}`, { cause });
        }
        out(renderRows(result.columns, result.rows, format));
      } finally {
        store.close();
      }
    });
}
