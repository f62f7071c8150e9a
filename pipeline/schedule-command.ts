// `copytrail schedule run|once|list|history`.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  existingDbPath,
  type GlobalOptions,
  onInterrupt,
  out,
  resolveDbPath,
  SIGNAL_EXIT,
  type StopSignal,
  UsageError,
} from '../core/cli-kit.ts';
import { type Config, ConfigError, loadConfig, type Schedule } from '../core/config.ts';
import { textTable } from '../core/format.ts';
import { isoSeconds, parseTime, TimeRangeError } from '../core/time.ts';
import type { RunOutcome } from './run-record.ts';
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
  if (o.error) lines.push(`  error: ${o.error}`);
  return lines.join('\n');
}

const LastRun = z.object({
  schedule: z.string(),
  last_status: z.string(),
  last_started: z.string().nullable(),
  last_success: z.string().nullable(),
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
});

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
      const log = (line: string) => out(`${isoSeconds(Date.now())} ${line}`);
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
          dbPath: resolveDbPath(cmd.optsWithGlobals<GlobalOptions>().db),
          config,
          only,
          endpointUrl: opts.endpointUrl,
          spoolDir: opts.spool,
          log,
        });
        log(`copytrail scheduler started (pid ${process.pid}, ${file})`);
        await scheduler.run(abort.signal);
        log('copytrail scheduler stopped');
        // stopped by a signal: exit 130/143, as every command does (systemd: SuccessExitStatus=143)
        if (received) process.exitCode = SIGNAL_EXIT[received];
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
    .option('--at <time>', 'run for the latest scheduled time at or before this ISO time (default: now)')
    .option('--endpoint-url <url>', 'S3-compatible endpoint for S3 sources and delivery (path-style)')
    .option('--spool <dir>', 'staging folder for downloads and rendered files (default: system temp)')
    .action(async (name: string, opts: ScheduleFlags & { at?: string }, cmd: Command) => {
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
          dbPath: resolveDbPath(cmd.optsWithGlobals<GlobalOptions>().db),
          config,
          schedule: s,
          trigger: 'once',
          scheduledFor,
          signal: stop.signal,
          endpointUrl: opts.endpointUrl,
          spoolDir: opts.spool,
        });
        out(formatRunOutcome(outcome));
        if (outcome.status === 'interrupted') process.exitCode = SIGNAL_EXIT[stop.received ?? 'SIGINT'];
        else if (outcome.status !== 'succeeded') process.exitCode = 1;
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
      const { config, file } = configFrom(opts);
      if (config.schedules.length === 0) {
        out(`${file} has no schedules (see "schedules" in the README)`);
        return;
      }
      // the history is read only when the database exists: listing never creates one
      const db = resolveDbPath(cmd.optsWithGlobals<GlobalOptions>().db);
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
        return [
          s.name,
          s.cron,
          s.timezone,
          `${stamp(next)} (${local(next, s.timezone)})`,
          s.sources.map((x) => x.type).join(',') || '-',
          s.reports.map((r) => r.id).join(','),
          [s.deliver.dir, s.deliver.s3 && `s3://${s.deliver.s3.bucket}/${s.deliver.s3.prefix}`]
            .filter(Boolean)
            .join(' '),
          l ? `${l.last_status} ${l.last_started ?? ''}` : 'never run',
          l?.last_success ?? '-',
        ];
      });
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
            'last run',
            'last success',
          ],
          rows,
          60,
        ),
      );
    });

  schedule
    .command('history')
    .description('past runs, newest first: status, period, what each source read, outputs, errors')
    .argument('[name]', 'only this schedule')
    .option('--limit <n>', 'most runs to show', '20')
    .option('--format <format>', 'table or json', 'table')
    .action(async (name: string | undefined, opts: { limit: string; format: string }, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit must be a whole number above 0');
      if (!['table', 'json'].includes(opts.format)) throw new UsageError('--format is table or json');
      const db = existingDbPath(cmd.optsWithGlobals<GlobalOptions>(), 'nothing has run yet');
      const store = await (await loadStore()).open({ path: db });
      let rows: z.infer<typeof HistoryRow>[];
      try {
        rows = await store.all('schedule/history', HistoryRow, { schedule: name ?? null, limit });
      } finally {
        store.close();
      }
      if (opts.format === 'json') {
        const parsed = rows.map((r) => ({
          ...r,
          sources: r.sources ? JSON.parse(r.sources) : [],
          outputs: r.outputs ? JSON.parse(r.outputs) : [],
        }));
        out(JSON.stringify(parsed, null, 2));
        return;
      }
      if (rows.length === 0) {
        out(name ? `no runs of ${name} yet` : 'no runs yet');
        return;
      }
      out(
        textTable(
          ['run', 'schedule', 'trigger', 'status', 'scheduled for', 'started', 'finished', 'files', 'error'],
          rows.map((r) => [
            String(r.run_id),
            r.schedule,
            r.trigger,
            r.status,
            r.scheduled_for ?? '',
            r.started_at ?? '',
            r.finished_at ?? '',
            String(r.outputs ? (JSON.parse(r.outputs) as unknown[]).length : 0),
            r.error ?? '',
          ]),
          70,
        ),
      );
    });
}
