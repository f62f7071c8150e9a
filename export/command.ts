// `copytrail export lineage|events`.

import { basename } from 'node:path';
import type { Command } from 'commander';
import { type GlobalOptions, summary, UsageError } from '../core/cli-kit.ts';
import { normalizeInstant } from '../core/time.ts';
import { openStoreFor } from '../queries/open-store.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from './formats.ts';

const BY_EXTENSION: Record<string, ExportFormat> = {
  parquet: 'parquet',
  csv: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  arrow: 'arrow',
  feather: 'arrow',
};

/**
 * The format: --format, else the file's extension; a file with no extension is Parquet. An
 * extension copytrail cannot write (.xlsx) is refused rather than given Parquet under its name.
 */
export function exportFormat(file: string, flag?: string): ExportFormat {
  if (flag !== undefined) {
    if (!EXPORT_FORMATS.includes(flag as ExportFormat)) {
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got '${flag}'`);
    }
    return flag as ExportFormat;
  }
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'parquet';
  const ext = name.slice(dot + 1).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (!format) {
    throw new UsageError(
      `cannot write a .${ext} file: use an extension of ${Object.keys(BY_EXTENSION).join(', ')}, or --format ${EXPORT_FORMATS.join('|')}`,
    );
  }
  return format;
}

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
    .option('--since <time>', 'events: from this time: 2026-03-01, 2026-03-01T12:00:00Z, 7d back, or now')
    .option('--until <time>', 'events: before this time (same forms)')
    .action(
      async (
        what: string,
        opts: { out: string; format?: string; since?: string; until?: string },
        cmd: Command,
      ) => {
        if (!EXPORT_KINDS.includes(what as ExportKind)) {
          throw new UsageError(`unknown export '${what}': choose ${EXPORT_KINDS.join(' or ')}`);
        }
        const format = exportFormat(opts.out, opts.format);
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
        const global = cmd.optsWithGlobals<GlobalOptions>();
        const store = await openStoreFor(global, 'read');
        try {
          const { exportData } = await import('./export.ts');
          const r = await exportData(store, {
            kind: what as ExportKind,
            format,
            out: opts.out,
            since,
            until,
          });
          summary(
            global,
            `${what}: ${r.rows} rows to ${r.path} (${format}, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.seconds.toFixed(1)} s)`,
            { export: what, format, ...r },
          );
        } finally {
          store.close();
        }
      },
    );
}
