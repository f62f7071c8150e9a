// `copytrail demo`: the whole pipeline on an embedded simulated organization.
import type { Command } from 'commander';
import { type GlobalOptions, summary, UsageError } from '../core/cli-kit.ts';
import { formatRows } from '../core/format.ts';
import { instantMs } from '../core/time.ts';
import { parseCount } from '../simulator/command.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulate an AWS organization, ingest its trail and summarize it (no AWS account needed)')
    .option('--out <dir>', 'folder for the simulated trail and the database', 'copytrail-out')
    .option('--events <n>', 'approximate number of records to simulate', '50k')
    .option('--days <n>', 'days of activity, ending today (UTC)', '7')
    .option('--start <date>', 'first simulated day, YYYY-MM-DD (default: --days before today)')
    .option(
      '--config <file>',
      'policy and DR requirements for the reports (default: $COPYTRAIL_CONFIG, else config.example.yaml)',
    )
    .option('--no-pdf', 'render reports as HTML and JSON only')
    .action(
      async (
        opts: { out: string; events: string; days: string; start?: string; config?: string; pdf: boolean },
        cmd: Command,
      ) => {
        const global = cmd.optsWithGlobals<GlobalOptions>();
        const days = Number(opts.days);
        if (!Number.isInteger(days) || days < 1)
          throw new UsageError(`--days must be a whole number ≥ 1, not '${opts.days}'`);
        if (
          opts.start !== undefined &&
          (!/^\d{4}-\d{2}-\d{2}$/.test(opts.start) || instantMs(opts.start) === null)
        )
          throw new UsageError(`--start must be a day like 2026-03-01, not '${opts.start}'`);
        const events = parseCount(opts.events);
        // a bad config is refused before anything is simulated or written
        const configFile = opts.config ?? (process.env.COPYTRAIL_CONFIG || undefined);
        if (configFile) {
          const { ConfigError, loadConfig } = await import('../core/config.ts');
          try {
            loadConfig(configFile);
          } catch (err) {
            if (err instanceof ConfigError) throw new UsageError(err.message);
            throw err;
          }
        }
        // the whole pipeline (DuckDB, Chromium, the report templates) loads when the demo runs
        const { runDemo } = await import('./demo.ts');
        const { formatVerifyReport } = await import('../ingest/verify.ts');
        const { formatCorrelateSummary } = await import('../correlate/correlate.ts');
        const { formatIngestSummary } = await import('../ingest/summary.ts');
        const r = await runDemo({
          out: opts.out,
          db: global.db ?? (process.env.COPYTRAIL_DB || undefined),
          events,
          days,
          start: opts.start,
          config: configFile,
          noPdf: !opts.pdf,
        });
        const human = [
          `simulated: ${r.simulated.records} records in ${r.simulated.files} files (${r.simulated.accounts.length} accounts, ${r.simulated.regions.length} regions) under ${r.out}/trail`,
          '',
          'ingest:',
          formatIngestSummary(r.ingest).replace(/^/gm, '  '),
          '',
          'integrity (digest signatures, chain, log-file hashes):',
          formatVerifyReport(r.verify).replace(/^/gm, '  '),
          '',
          'copy lineage (correlate):',
          formatCorrelateSummary(r.correlate).replace(/^/gm, '  '),
          '',
          'busiest services:',
          formatRows(['event_source', 'events'], r.sources, 'table').replace(/^/gm, '  '),
          '',
          'copy and share activity:',
          formatRows(['event_name', 'aws_region', 'calls', 'failed'], r.copyCalls, 'table').replace(
            /^/gm,
            '  ',
          ),
          '',
          'reports:',
          ...r.reports.flatMap((rep) => [
            `  ${rep.id}: ${rep.model.summary.fail} fail, ${rep.model.summary.unknown} unknown, ${rep.model.summary.pass} pass`,
            ...rep.files.map((f) => `    ${f.path}`),
            `    ${rep.manifest}`,
          ]),
          '',
          `database: ${r.db}`,
          `next: npx copytrail --db ${r.db} lineage --all`,
          `      npx copytrail --db ${r.db} query "select event_time, event_name, aws_region, recipient_account_id from events where event_name = 'CopySnapshot' order by event_time limit 20"`,
        ].join('\n');
        // --output json: the same run as one document, for scripts
        summary(global, human, {
          out: r.out,
          database: r.db,
          simulated: {
            records: r.simulated.records,
            files: r.simulated.files,
            accounts: r.simulated.accounts,
            regions: r.simulated.regions,
          },
          ingest: r.ingest,
          verify: r.verify,
          correlate: r.correlate,
          sources: r.sources,
          copy_calls: r.copyCalls,
          reports: r.reports.map((rep) => ({
            report: rep.id,
            summary: rep.model.summary,
            files: rep.files.map((f) => f.path),
            manifest: rep.manifest,
          })),
        });
      },
    );
}
