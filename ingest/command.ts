// The `ingest` subcommands.
import type { Command } from 'commander';
import { type GlobalOptions, openStoreFor, out } from '../pipeline/cli-kit.ts';
import { ingestDir } from './ingest-dir.ts';
import type { IngestSummary } from './loader.ts';
import { terminalProgress } from './progress.ts';

export function formatIngestSummary(s: IngestSummary & { ignored?: number }): string {
  const lines = [
    `files:   ${s.files} seen, ${s.loaded} loaded, ${s.skipped} already loaded, ${s.duplicateFiles} duplicate content, ${s.rejectedFiles} rejected, ${s.digests} digest`,
    `events:  ${s.eventsNew} new, ${s.eventsDuplicate} duplicate, ${s.recordsRejected} records rejected (of ${s.records} records)`,
    `time:    ${s.seconds.toFixed(1)} s${s.seconds > 0 ? ` (${Math.round(s.records / s.seconds)} records/s)` : ''}`,
  ];
  if (s.ignored) lines.push(`ignored: ${s.ignored} files that are not log files`);
  if (s.rejectedFiles + s.recordsRejected > 0) {
    lines.push(`see the reasons: copytrail query "select location, record_index, reason from rejects"`);
  }
  return lines.join('\n');
}

export function registerIngest(program: Command): void {
  const ingest = program.command('ingest').description('load CloudTrail records into the store');
  ingest
    .command('dir')
    .description(
      'load local files: a downloaded trail bucket (account or organization layout) or loose files',
    )
    .argument('<paths...>', 'files or folders (.json, .json.gz, NDJSON, .json.cloudtrail, .zip)')
    .action(async (paths: string[], _opts, cmd: Command) => {
      const store = await openStoreFor(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const summary = await ingestDir(store, paths, terminalProgress('ingest'));
        out(formatIngestSummary(summary));
      } finally {
        store.close();
      }
    });
}
