// `copytrail report residency|dr_coverage|forensics`: renders a report as HTML, PDF and/or JSON,
// with its evidence manifest.

import type { Command } from 'commander';
import { type GlobalOptions, onInterrupt, summary, UsageError, warn } from '../core/cli-kit.ts';
import { ConfigError, loadConfig } from '../core/config.ts';
import { normalizeInstant, TimeRangeError } from '../core/time.ts';
import { openStoreFor } from '../queries/open-store.ts';
import { FORMATS, type Format, REPORT_IDS, type ReportId } from './ids.ts';

interface ReportOptions {
  config?: string;
  subject?: string;
  since?: string;
  until?: string;
  format?: string;
  out?: string;
  failOn?: string;
}

/** `--fail-on`: the finding statuses that make the command exit 3, so a CI job can gate on a report. */
export const FAIL_ON = { fail: ['fail'], unknown: ['fail', 'unknown'] } as const;
export type FailOn = keyof typeof FAIL_ON;
/** The exit code of a report whose findings reached its --fail-on threshold. */
export const THRESHOLD_EXIT = 3;

export function parseFailOn(text: string | undefined): FailOn | null {
  if (text === undefined) return null;
  if (!(text in FAIL_ON)) {
    throw new UsageError(`--fail-on must be one of ${Object.keys(FAIL_ON).join(', ')}, not '${text}'`);
  }
  return text as FailOn;
}

export function parseFormats(text: string): Format[] {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((f) => !FORMATS.includes(f as Format));
  if (bad.length || list.length === 0) {
    throw new UsageError(`--format takes a comma-separated list of ${FORMATS.join(', ')}; got '${text}'`);
  }
  return [...new Set(list)] as Format[];
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a residency, DR-coverage or forensics report (HTML, PDF, JSON + evidence manifest)')
    .argument('<report>', REPORT_IDS.join('|'))
    .option(
      '--config <file>',
      'policy, DR requirements and report defaults (YAML; default: $COPYTRAIL_CONFIG)',
    )
    .option('--subject <id>', 'forensics: artifact id or ARN, key ARN or id, principal ARN, or account id')
    .option(
      '--since <time>',
      'window start: 2026-03-01, 2026-03-01T12:00:00Z, or a span back from now such as 30d',
    )
    .option('--until <time>', 'window end, and the instant copy ages are measured at')
    .option(
      '--format <list>',
      'comma-separated: html,pdf,json, and findings for other tools as oscal (OSCAL), ocsf (OCSF JSON lines), csv (default: the config, else html,pdf,json)',
    )
    .option('--out <dir>', 'output folder (default: the config, else ./reports)')
    .option(
      '--fail-on <level>',
      'exit 3 when any finding is FAIL (fail) or FAIL or UNKNOWN (unknown); the files are written either way',
    )
    .action(async (report: string, opts: ReportOptions, cmd: Command) => {
      if (!REPORT_IDS.includes(report as ReportId)) {
        throw new UsageError(`unknown report '${report}': choose ${REPORT_IDS.join(', ')}`);
      }
      const failOn = parseFailOn(opts.failOn);
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(opts.config ?? process.env.COPYTRAIL_CONFIG);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const formats = opts.format ? parseFormats(opts.format) : config.reports.formats;
      try {
        normalizeInstant(opts.since, '--since');
        normalizeInstant(opts.until, '--until');
      } catch (err) {
        if (err instanceof TimeRangeError) throw new UsageError(err.message);
        throw err;
      }
      if (report === 'forensics' && !opts.subject) {
        throw new UsageError(
          'the forensics report needs --subject (an artifact id or ARN, key, principal ARN or account id)',
        );
      }
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const store = await openStoreFor(global, 'read');
      // the builders, templates and Chromium load when a report is rendered, not at start-up
      const { generateReport } = await import('./generate.ts');
      const { PdfRenderer } = await import('./pdf.ts');
      const pdf = formats.includes('pdf') ? new PdfRenderer(config.reports.chromium) : undefined;
      // a signal stops the report where it is: the store is only read, each file is written whole
      // or not at all, and Chromium is closed rather than orphaned
      const stop = onInterrupt('stopping the report');
      const stopped = new Promise<null>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(null), { once: true }),
      );
      let running: ReturnType<typeof generateReport> | undefined;
      try {
        running = generateReport(store, {
          id: report as ReportId,
          config,
          formats,
          out: opts.out ?? config.reports.out,
          since: opts.since ?? null,
          until: opts.until ?? null,
          subject: opts.subject ?? null,
          pdf,
          signal: stop.signal,
        });
        running.catch(() => {});
        const result = await Promise.race([running, stopped]);
        if (!result) {
          // stop the query in flight and Chromium, then let the report unwind before closing the store
          store.interrupt();
          await pdf?.close();
          await running.catch(() => {});
          warn(`${report}: stopped by ${stop.received}; no report file was left half-written`);
          return;
        }
        const s = result.model.summary;
        summary(
          global,
          [
            `${report}: ${s.fail} fail, ${s.unknown} unknown, ${s.pass} pass (${s.total} findings)`,
            ...result.files.map((f) => `  ${f.format.padEnd(8)} ${f.path}`),
            `  ${'manifest'.padEnd(8)} ${result.manifest}`,
            `  signed by ed25519 ${result.signer.keyId}`,
          ].join('\n'),
          {
            report,
            summary: s,
            files: result.files,
            manifest: result.manifest,
            signer: { algorithm: 'ed25519', key_id: result.signer.keyId },
          },
        );
        if (result.signer.warning) warn(`${report}: ${result.signer.warning}`);
        if (failOn) {
          const reached = FAIL_ON[failOn].reduce((n, status) => n + s[status], 0);
          if (reached > 0) {
            warn(`${report}: ${reached} finding(s) at or above --fail-on ${failOn}: exit ${THRESHOLD_EXIT}`);
            process.exitCode = THRESHOLD_EXIT;
          }
        }
      } finally {
        stop.settleExitCode();
        stop.release();
        await pdf?.close();
        await running?.catch(() => {});
        store.close();
      }
    });
}
