// `copytrail schedule run|once|list|history`.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  existingDbPath,
  type GlobalOptions,
  info,
  OUTPUTS,
  type Output,
  onInterrupt,
  out,
  outputOf,
  renderRows,
  resolveDbPath,
  SIGNAL_EXIT,
  type StopSignal,
  summary,
  toJson,
  UsageError,
  warn,
} from '../core/cli-kit.ts';
import { type Config, ConfigError, loadConfig, type Schedule } from '../core/config.ts';
import { textTable } from '../core/format.ts';
import { isoSeconds, parseTime, TimeRangeError } from '../core/time.ts';
import type { RunOutcome } from './run-record.ts';

/** The exit code of a run whose reports reached the schedule's fail_on (as `report --fail-on`). */
const THRESHOLD_EXIT = 3;

import { latestFire, nextFire } from './schedule-time.ts';

// the runner, the store and every source and report load when a command runs, not at start-up
const loadStore = async () => (await import('../queries/store.ts')).Store;

interface ScheduleFlags {
  config?: string;
  endpointUrl?: string;
  spool?: string;
}

function configFrom(flags: ScheduleFlags): { config: Config; file: string } {
  const file = flags.config ?? process.env.COPYTRAIL_CONFIG;
  if (!file)
    throw new UsageError('schedules come from a config file: pass --config FILE or set COPYTRAIL_CONFIG');
  try {
    return { config: loadConfig(file), file };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

function pick(config: Config, file: string, name: string): Schedule {
  const s = config.schedules.find((x) => x.name === name);
  if (!s) {
    const names = config.schedules.map((x) => x.name);
    throw new UsageError(
      `no schedule named '${name}' in ${file}${names.length ? ` (it has: ${names.join(', ')})` : ' (it has none)'}`,
    );
  }
  return s;
}

const stamp = (d: Date | null) => (d ? isoSeconds(d) : '-');

/** The wall-clock time in the schedule's zone, for people reading `list`. */
function local(d: Date | null, tz: string): string {
  if (!d) return '';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

export function formatRunOutcome(o: RunOutcome): string {
  const lines = [
    `run ${o.runId} of ${o.schedule}: ${o.status} (period ${o.period.start} to ${o.period.end})`,
  ];
  for (const s of o.sources) {
    lines.push(
      s.error
        ? `  source ${s.source}: FAILED: ${s.error}`
        : `  source ${s.source}: ${s.loaded} new files, ${s.skipped} already loaded, ${s.events_new} new events${s.interrupted ? ' (stopped early)' : ''}`,
    );
  }
  for (const f of o.outputs) lines.push(`  delivered ${f}`);
  if (o.manifestSha256) lines.push(`  run manifest sha256 ${o.manifestSha256}`);
  if (o.failOn && o.failOnFindings !== null)
    lines.push(`  fail_on ${o.failOn}: ${o.failOnFindings} finding(s) at or above it`);
  if (o.error) lines.push(`  error: ${o.error}`);
  return lines.join('\n');
}

const LastRun = z.object({
  schedule: z.string(),
  last_status: z.string(),
  last_started: z.string().nullable(),
  last_success: z.string().nullable(),
  last_fail_on_findings: z.coerce.number(),
  runs: z.coerce.number(),
});

const HistoryRow = z.object({
  run_id: z.coerce.number(),
  schedule: z.string(),
  trigger: z.string(),
  status: z.string(),
  scheduled_for: z.string().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
  sources: z.string().nullable(),
  outputs: z.string().nullable(),
  manifest_sha256: z.string().nullable(),
  error: z.string().nullable(),
  fail_on: z.string().nullable(),
  fail_on_findings: z.coerce.number().nullable(),
});

/** `schedule history`'s columns in csv and text (json adds each source's and output's details). */
const HISTORY_COLUMNS = [
  'run_id',
  'schedule',
  'trigger',
  'status',
  'scheduled_for',
  'started_at',
  'finished_at',
  'period_start',
  'period_end',
  'files',
  'manifest_sha256',
  'fail_on',
  'fail_on_findings',
  'error',
] as const;

/** `schedule list`'s columns in json, csv and text. */
const LIST_COLUMNS = [
  'name',
  'cron',
  'timezone',
  'next_run',
  'next_run_local',
  'sources',
  'reports',
  'deliver',
  'fail_on',
  'last_status',
  'last_started',
  'last_success',
  'last_fail_on_findings',
] as const;

/** A run's fail_on in a few words: `fail: 3` (3 findings at or above fail), '' without one. */
const failOnText = (r: { fail_on: string | null; fail_on_findings: number | null }) =>
  r.fail_on ? `${r.fail_on}: ${r.fail_on_findings ?? '-'}` : '';

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description(
      'scheduled ingest, correlate, report and delivery runs (schedules come from the config file)',
    );

  schedule
    .command('run')
    .description('run every schedule on its cron times until stopped (SIGTERM or Ctrl-C stops cleanly)')
    .option('--config <file>', 'the config file with the schedules (default: $COPYTRAIL_CONFIG)')
    .option('--only <names>', 'comma-separated schedule names (default: all)')
    .option('--endpoint-url <url>', 'S3-compatible endpoint for S3 sources and delivery (path-style)')
    .option('--spool <dir>', 'staging folder for downloads and rendered files (default: system temp)')
    .action(async (opts: ScheduleFlags & { only?: string }, cmd: Command) => {
      const { config, file } = configFrom(opts);
      const only = opts.only?.split(',').map((s) => s.trim());
      for (const name of only ?? []) pick(config, file, name);
      if (config.schedules.length === 0) throw new UsageError(`${file} has no schedules`);
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const log = (line: string) => info(`${isoSeconds(Date.now())} ${line}`);
      let reached = 0;
      const abort = new AbortController();
      let received: StopSignal | null = null;
      const stop = (signal: StopSignal) => {
        received ??= signal;
        log(`${signal}: stopping; a run in progress ends after its current batch and is recorded`);
        abort.abort();
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      try {
        const { Scheduler } = await import('./scheduler.ts');
        const scheduler = new Scheduler({
          dbPath: resolveDbPath(global.db),
          config,
          only,
          endpointUrl: opts.endpointUrl ?? global.endpointUrl,
          spoolDir: opts.spool,
          log,
          onRunFinished: (o) => {
            if (o.failOnFindings) reached += 1;
          },
        });
        log(`copytrail scheduler started (pid ${process.pid}, ${file})`);
        await scheduler.run(abort.signal);
        log('copytrail scheduler stopped');
        // stopped by a signal: exit 130/143, as every command does (systemd: SuccessExitStatus=143);
        // ended by itself (no schedule has a future run) after a run reached its fail_on: exit 3
        if (received) process.exitCode = SIGNAL_EXIT[received];
        else if (reached > 0) process.exitCode = THRESHOLD_EXIT;
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
      }
    });

  schedule
    .command('once')
    .description('run one schedule now, for its latest scheduled time (for cron, CI or EventBridge)')
    .argument('<name>', 'schedule name')
    .option('--config <file>', 'the config file with the schedules (default: $COPYTRAIL_CONFIG)')
    .option(
      '--at <time>',
      'run for the latest scheduled time at or before this time: 2026-03-01T06:00:00Z, 2d (back from now) or now (the default)',
    )
    .option('--endpoint-url <url>', 'S3-compatible endpoint for S3 sources and delivery (path-style)')
    .option('--spool <dir>', 'staging folder for downloads and rendered files (default: system temp)')
    .action(async (name: string, opts: ScheduleFlags & { at?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const { config, file } = configFrom(opts);
      const s = pick(config, file, name);
      let at: Date;
      try {
        at = opts.at ? parseTime(opts.at, '--at') : new Date();
      } catch (err) {
        if (err instanceof TimeRangeError) throw new UsageError(err.message);
        throw err;
      }
      const scheduledFor = latestFire(s, at);
      if (!scheduledFor)
        throw new UsageError(`${name}: '${s.cron}' has no scheduled time before ${stamp(at)}`);
      const stop = onInterrupt('stopping the run after its current batch; it is recorded as interrupted');
      try {
        const { runSchedule } = await import('./schedule.ts');
        const outcome = await runSchedule({
          dbPath: resolveDbPath(global.db),
          config,
          schedule: s,
          trigger: 'once',
          scheduledFor,
          signal: stop.signal,
          endpointUrl: opts.endpointUrl ?? global.endpointUrl,
          spoolDir: opts.spool,
        });
        summary(global, formatRunOutcome(outcome), outcome);
        // a run that failed (or read only part of its sources) is exit 1 before its threshold counts
        if (outcome.status === 'interrupted') process.exitCode = SIGNAL_EXIT[stop.received ?? 'SIGINT'];
        else if (outcome.status !== 'succeeded') process.exitCode = 1;
        else if (outcome.failOnFindings) {
          warn(
            `${name}: ${outcome.failOnFindings} finding(s) at or above fail_on ${outcome.failOn}: exit ${THRESHOLD_EXIT}`,
          );
          process.exitCode = THRESHOLD_EXIT;
        }
      } finally {
        stop.settleExitCode();
        stop.release();
      }
    });

  schedule
    .command('list')
    .description('the schedules in the config: cron, next run, sources, reports, delivery, last run')
    .option('--config <file>', 'the config file with the schedules (default: $COPYTRAIL_CONFIG)')
    .action(async (opts: ScheduleFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const output = outputOf<Output>(global, undefined, OUTPUTS);
      const { config, file } = configFrom(opts);
      if (config.schedules.length === 0 && output === 'table') {
        info(`${file} has no schedules (see "schedules" in the README)`);
        return;
      }
      // the history is read only when the database exists: listing never creates one
      const db = resolveDbPath(global.db);
      const last = new Map<string, z.infer<typeof LastRun>>();
      if (existsSync(db)) {
        const store = await (await loadStore()).open({ path: db });
        try {
          for (const r of await store.all('schedule/last_runs', LastRun)) last.set(r.schedule, r);
        } finally {
          store.close();
        }
      }
      const now = new Date();
      const rows = config.schedules.map((s) => {
        const next = nextFire(s, now);
        const l = last.get(s.name);
        return {
          name: s.name,
          cron: s.cron,
          timezone: s.timezone,
          next_run: next ? isoSeconds(next) : null,
          next_run_local: local(next, s.timezone) || null,
          sources: s.sources.map((x) => x.type).join(',') || null,
          reports: s.reports.map((r) => r.id).join(','),
          deliver:
            [s.deliver.dir, s.deliver.s3 && `s3://${s.deliver.s3.bucket}/${s.deliver.s3.prefix}`]
              .filter(Boolean)
              .join(' ') || null,
          fail_on: s.fail_on ?? null,
          last_status: l?.last_status ?? null,
          last_started: l?.last_started ?? null,
          last_success: l?.last_success ?? null,
          last_fail_on_findings: l && s.fail_on ? l.last_fail_on_findings : null,
        };
      });
      if (output === 'json') {
        out(toJson(rows));
        return;
      }
      if (output !== 'table') {
        out(renderRows([...LIST_COLUMNS], rows, output));
        return;
      }
      out(
        textTable(
          [
            'name',
            'cron',
            'timezone',
            'next run (UTC, local)',
            'sources',
            'reports',
            'deliver',
            'fail on',
            'last run',
            'last success',
          ],
          rows.map((r) => [
            r.name,
            r.cron,
            r.timezone,
            `${r.next_run ?? '-'} (${r.next_run_local ?? ''})`,
            r.sources ?? '-',
            r.reports,
            r.deliver ?? '',
            r.fail_on
              ? `${r.fail_on}${r.last_fail_on_findings ? ` (last run: ${r.last_fail_on_findings})` : ''}`
              : '-',
            r.last_status ? `${r.last_status} ${r.last_started ?? ''}` : 'never run',
            r.last_success ?? '-',
          ]),
          60,
        ),
      );
    });

  schedule
    .command('history')
    .description('past runs, newest first: status, period, what each source read, outputs, errors')
    .argument('[name]', 'only this schedule')
    .option('--limit <n>', 'most runs to show', '20')
    .option('--format <format>', `${OUTPUTS.join('|')} (default: --output, else table)`)
    .action(async (name: string | undefined, opts: { limit: string; format?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const output = outputOf<Output>(global, opts.format, OUTPUTS);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit must be a whole number above 0');
      const db = existingDbPath(global, 'nothing has run yet');
      const store = await (await loadStore()).open({ path: db });
      let rows: z.infer<typeof HistoryRow>[];
      try {
        rows = await store.all('schedule/history', HistoryRow, { schedule: name ?? null, limit });
      } finally {
        store.close();
      }
      if (output === 'json') {
        const parsed = rows.map((r) => ({
          ...r,
          sources: r.sources ? JSON.parse(r.sources) : [],
          outputs: r.outputs ? JSON.parse(r.outputs) : [],
        }));
        out(toJson(parsed));
        return;
      }
      if (output !== 'table') {
        const flat = rows.map(({ sources: _sources, outputs, ...r }) => ({
          ...r,
          files: outputs ? (JSON.parse(outputs) as unknown[]).length : 0,
        }));
        out(renderRows([...HISTORY_COLUMNS], flat, output));
        return;
      }
      if (rows.length === 0) {
        info(name ? `no runs of ${name} yet` : 'no runs yet');
        return;
      }
      out(
        textTable(
          [
            'run',
            'schedule',
            'trigger',
            'status',
            'scheduled for',
            'started',
            'finished',
            'files',
            'fail on',
            'error',
          ],
          rows.map((r) => [
            String(r.run_id),
            r.schedule,
            r.trigger,
            r.status,
            r.scheduled_for ?? '',
            r.started_at ?? '',
            r.finished_at ?? '',
            String(r.outputs ? (JSON.parse(r.outputs) as unknown[]).length : 0),
            failOnText(r),
            r.error ?? '',
          ]),
          70,
        ),
      );
    });
}
