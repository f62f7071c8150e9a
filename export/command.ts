// `copytrail export lineage|events`.

import type { Command } from 'commander';
import { type GlobalOptions, out, UsageError } from '../core/cli-kit.ts';
import { normalizeInstant } from '../core/time.ts';
import { openStoreFor } from '../queries/store.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind, exportData } from './export.ts';

const BY_EXTENSION: Record<string, ExportFormat> = {
  parquet: 'parquet',
  csv: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  arrow: 'arrow',
  feather: 'arrow',
};

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write copy lineage or events to a Parquet, CSV, JSON-lines or Arrow IPC file (pandas, polars, Spark)',
    )
    .argument('<what>', EXPORT_KINDS.join('|'))
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .option(
      '--format <format>',
      `${EXPORT_FORMATS.join('|')} (default: from the --out extension, else parquet)`,
    )
    .option('--since <time>', 'events: from this time (ISO 8601 or YYYY-MM-DD)')
    .option('--until <time>', 'events: before this time')
    .action(
      async (
        what: string,
        opts: { out: string; format?: string; since?: string; until?: string },
        cmd: Command,
      ) => {
        if (!EXPORT_KINDS.includes(what as ExportKind)) {
          throw new UsageError(`unknown export '${what}': choose ${EXPORT_KINDS.join(' or ')}`);
        }
        const ext = opts.out.split('.').pop()?.toLowerCase() ?? '';
        const format = (opts.format ?? BY_EXTENSION[ext] ?? 'parquet') as ExportFormat;
        if (!EXPORT_FORMATS.includes(format)) {
          throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got '${opts.format}'`);
        }
        if (what === 'lineage' && (opts.since || opts.until)) {
          throw new UsageError('--since and --until apply to `export events` only');
        }
        let since: string | null;
        let until: string | null;
        try {
          since = normalizeInstant(opts.since, '--since');
          until = normalizeInstant(opts.until, '--until');
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        const store = await openStoreFor(cmd.optsWithGlobals<GlobalOptions>(), 'read');
        try {
          const r = await exportData(store, {
            kind: what as ExportKind,
            format,
            out: opts.out,
            since,
            until,
          });
          out(
            `${what}: ${r.rows} rows to ${r.path} (${format}, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.seconds.toFixed(1)} s)`,
          );
        } finally {
          store.close();
        }
      },
    );
}
