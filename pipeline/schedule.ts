// Scheduled runs. A run reads each configured source from where the last good read of it ended
// (a cursor per schedule and source, in the database), correlates, renders the schedule's reports
// for its period into a staging folder, writes one run manifest with the sha256 of every file, and
// delivers the lot to a folder and/or an S3 prefix. Every run, including a failed, interrupted or
// skipped one, leaves a row in schedule_runs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { Cron } from 'croner';
import { z } from 'zod';
import type { Config, Schedule, ScheduleSource } from '../core/config.ts';
import { isoSeconds } from '../core/time.ts';
import { correlate } from '../correlate/correlate.ts';
import { apiClientOptions } from '../ingest/api-client.ts';
import { ingestAthena } from '../ingest/athena.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import { ingestLake } from '../ingest/lake.ts';
import type { IngestSummary } from '../ingest/loader.ts';
import { ingestLookup } from '../ingest/lookup.ts';
import { ingestS3, makeS3Client } from '../ingest/s3.ts';
import { Store } from '../queries/store.ts';
import { type GenerateResult, generateReport } from '../reports/generate.ts';
import { PdfRenderer } from '../reports/pdf.ts';
import { deliverRun, type RunFile, stamp, writeRunManifest } from './deliver.ts';

export type Trigger = 'cron' | 'once' | 'lambda';
export type RunStatus = 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'skipped';

/** Time, injectable so tests drive schedules with a fake clock. */
export interface Clock {
  now(): Date;
  /** Resolves at `until`, or as soon as the signal aborts. */
  sleepUntil(until: Date, signal: AbortSignal): Promise<void>;
}

// setTimeout holds at most 2^31-1 ms (~24.8 days); the scheduler re-checks the time after waking
const MAX_TIMER = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil(until, signal) {
    return new Promise((done) => {
      if (signal.aborted) return done();
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, Math.min(Math.max(0, until.getTime() - Date.now()), MAX_TIMER));
      signal.addEventListener('abort', finish, { once: true });
    });
  },
};

export function cronOf(schedule: Schedule): Cron {
  return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
}

/** The first scheduled time strictly after `after`. */
export function nextFire(schedule: Schedule, after: Date): Date | null {
  return cronOf(schedule).nextRun(after);
}

/** The newest scheduled time at or before `at` (what `schedule once` runs for). */
export function latestFire(schedule: Schedule, at: Date): Date | null {
  // croner looks back from whole seconds: ask from a second later, then drop a time after `at`
  const cron = cronOf(schedule);
  const candidate = cron.previousRuns(1, new Date(at.getTime() + 1000))[0];
  if (candidate && candidate.getTime() <= at.getTime()) return candidate;
  return cron.previousRuns(1, at)[0] ?? null;
}

export interface Period {
  start: Date;
  end: Date;
}

/** The time a run's reports cover: `period` before the scheduled time, else since the previous one. */
export function periodFor(schedule: Schedule, fire: Date): Period {
  if (schedule.period !== undefined) {
    return { start: new Date(fire.getTime() - schedule.period * 1000), end: fire };
  }
  const prev = cronOf(schedule).previousRuns(1, fire)[0];
  return { start: prev ?? new Date(fire.getTime() - 86_400_000), end: fire };
}

/** A source's identity for its cursor: what it reads, not how it is tuned. */
export function sourceKey(source: ScheduleSource): string {
  switch (source.type) {
    case 'dir':
      return `dir:${source.paths.map((p) => resolve(p)).join(',')}`;
    case 's3':
      return `s3://${source.bucket}/${source.prefix}${source.org_id ? `#${source.org_id}` : ''}`;
    case 'lookup':
      return `lookup:${source.org_accounts ? 'organization' : (source.accounts?.join(',') ?? 'caller')}:${source.regions?.join(',') ?? 'all'}`;
    case 'athena':
      return `athena:${source.database}.${source.table}`;
    case 'lake':
      return `lake:${source.event_data_store}`;
  }
}

export interface SourceOutcome {
  source: string;
  type: ScheduleSource['type'];
  since: string | null;
  until: string;
  files: number;
  loaded: number;
  skipped: number;
  /** same content as a file already loaded (CloudTrail sometimes delivers a file twice) */
  duplicate_files: number;
  digests: number;
  events_new: number;
  events_duplicate: number;
  records_rejected: number;
  files_rejected: number;
  interrupted: boolean;
  error: string | null;
}

export interface RunOutcome {
  runId: number;
  schedule: string;
  status: RunStatus;
  scheduledFor: string;
  period: { start: string; end: string };
  sources: SourceOutcome[];
  outputs: string[];
  files: RunFile[];
  manifestSha256: string | null;
  error: string | null;
}

export interface RunOptions {
  dbPath: string;
  config: Config;
  schedule: Schedule;
  trigger: Trigger;
  /** the cron time this run is for: its period ends here */
  scheduledFor: Date;
  clock?: Clock;
  signal?: AbortSignal;
  /** S3-compatible endpoint for every S3 source and S3 delivery (overrides the config) */
  endpointUrl?: string;
  /** where downloads and rendered files are staged (default: the system temp folder) */
  spoolDir?: string;
  log?: (line: string) => void;
}

class Interrupted extends Error {
  constructor() {
    super('stopped by a signal before the run finished; the next run starts where this one stopped');
  }
}

const RunId = z.object({ run_id: z.coerce.number() });
const Cursor = z.object({ read_until: z.string() });
const Abandoned = z.object({ run_id: z.coerce.number(), schedule: z.string() });

function errorText(err: unknown): string {
  const e = err as Error;
  return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
}

function fromSummary(s: IngestSummary): Omit<SourceOutcome, 'source' | 'type' | 'since' | 'until' | 'error'> {
  return {
    files: s.files,
    loaded: s.loaded,
    skipped: s.skipped,
    duplicate_files: s.duplicateFiles,
    digests: s.digests,
    events_new: s.eventsNew,
    events_duplicate: s.eventsDuplicate,
    records_rejected: s.recordsRejected,
    files_rejected: s.rejectedFiles,
    interrupted: false,
  };
}

async function readSource(
  store: Store,
  opts: RunOptions,
  source: ScheduleSource,
  runId: number,
  now: Date,
  signal: AbortSignal,
): Promise<SourceOutcome> {
  const key = sourceKey(source);
  const cursor = (
    await store.all('schedule/get_cursor', Cursor, { schedule: opts.schedule.name, source_key: key })
  )[0]?.read_until;
  // read up to now: a late run still catches up; the report period is separate
  const until = now;
  let since: Date | null = null;
  if (source.type !== 'dir') {
    since = cursor
      ? new Date(Date.parse(cursor) - source.overlap * 1000)
      : new Date(until.getTime() - source.lookback * 1000);
  }
  const base = {
    source: key,
    type: source.type,
    since: since && isoSeconds(since),
    until: isoSeconds(until),
  };
  const empty = {
    files: 0,
    loaded: 0,
    skipped: 0,
    duplicate_files: 0,
    digests: 0,
    events_new: 0,
    events_duplicate: 0,
    records_rejected: 0,
    files_rejected: 0,
    interrupted: false,
  };
  let outcome: SourceOutcome;
  try {
    if (source.type === 'dir') {
      const r = await ingestDir(store, source.paths, undefined, signal);
      outcome = { ...base, ...fromSummary(r), interrupted: r.interrupted, error: null };
    } else if (source.type === 's3') {
      const client = makeS3Client({
        endpointUrl: opts.endpointUrl ?? source.endpoint_url,
        region: source.region,
        // ingest s3 retries each object itself: one SDK attempt, so a throttled object waits alone
        maxAttempts: 1,
      });
      try {
        const r = await ingestS3(store, client, {
          bucket: source.bucket,
          prefix: source.prefix || undefined,
          orgId: source.org_id,
          accounts: source.accounts,
          regions: source.regions,
          range: { since: since!, until },
          concurrency: source.concurrency,
          spoolDir: opts.spoolDir,
          signal,
        });
        const failed = r.unitsFailed.map((f) => `${f.prefix}: ${f.error}`);
        outcome = {
          ...base,
          ...fromSummary(r),
          interrupted: r.interrupted,
          error: failed.length
            ? `${failed.length} prefix(es) could not be read: ${failed.slice(0, 3).join('; ')}`
            : null,
        };
      } finally {
        client.destroy();
      }
    } else if (source.type === 'athena' || source.type === 'lake') {
      // the pushed-down filter both query sources share
      const filter = {
        since: since!,
        until,
        accounts: source.accounts,
        regions: source.regions,
        extraEvents: source.extra_events,
        allKms: source.all_kms,
        signal,
      };
      const region = source.region ?? process.env.AWS_REGION ?? 'us-east-1';
      let r: IngestSummary;
      if (source.type === 'athena') {
        const client = new AthenaClient({ region, ...apiClientOptions() });
        try {
          r = await ingestAthena(store, client, {
            ...filter,
            database: source.database,
            table: source.table,
            workgroup: source.workgroup,
            output: source.output,
          });
        } finally {
          client.destroy();
        }
      } else {
        const client = new CloudTrailClient({ region, ...apiClientOptions() });
        try {
          r = await ingestLake(store, client, {
            ...filter,
            eventDataStore: source.event_data_store,
            ownerAccountId: source.owner_account,
          });
        } finally {
          client.destroy();
        }
      }
      outcome = { ...base, ...fromSummary(r), error: null };
    } else {
      const r = await ingestLookup(store, {
        regions: source.regions,
        accounts: source.accounts,
        orgAccounts: source.org_accounts,
        roleName: source.role_name,
        range: { since: since!, until },
        allManagement: source.all_management,
        signal,
      });
      const failed = r.units.filter((u) => u.error).map((u) => `${u.account} ${u.region}: ${u.error}`);
      outcome = {
        ...base,
        ...fromSummary(r),
        interrupted: signal.aborted,
        error: failed.length
          ? `${failed.length} account-region(s) could not be read: ${failed.slice(0, 3).join('; ')}`
          : null,
      };
    }
  } catch (err) {
    return { ...base, ...empty, error: errorText(err) };
  }
  // the cursor moves only past a window read whole: an error or a stop reads it again next time
  if (!outcome.error && !outcome.interrupted) {
    await store.run('schedule/set_cursor', {
      schedule: opts.schedule.name,
      source_key: key,
      read_until: isoSeconds(until),
      updated_at: isoSeconds(now),
      run_id: runId,
    });
  }
  return outcome;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);
}

/** Report file base name: schedule, report (and subject) and period. */
export function reportBase(schedule: string, report: string, subject: string | undefined, p: Period): string {
  return [schedule, report, ...(subject ? [slug(subject)] : []), stamp(p.start), stamp(p.end)].join('_');
}

/** One run of one schedule, start to finish. Never throws for a failure it can record. */
export async function runSchedule(opts: RunOptions): Promise<RunOutcome> {
  const clock = opts.clock ?? systemClock;
  const signal = opts.signal ?? new AbortController().signal;
  const log = opts.log ?? (() => {});
  const { schedule } = opts;
  const period = periodFor(schedule, opts.scheduledFor);
  const store = await Store.open({ path: opts.dbPath });
  try {
    for (const a of await store.all('schedule/abandon_running', Abandoned, { at: isoSeconds(clock.now()) })) {
      log(`run ${a.run_id} of ${a.schedule} had not finished (the process ended); marked abandoned`);
    }
    const { run_id: runId } = await store.one('schedule/start_run', RunId, {
      schedule: schedule.name,
      trigger: opts.trigger,
      scheduled_for: isoSeconds(opts.scheduledFor),
      period_start: isoSeconds(period.start),
      period_end: isoSeconds(period.end),
      started_at: isoSeconds(clock.now()),
      pid: process.pid,
    });
    log(
      `run ${runId} of ${schedule.name} started (period ${isoSeconds(period.start)} to ${isoSeconds(period.end)})`,
    );
    const sources: SourceOutcome[] = [];
    let outputs: string[] = [];
    let files: RunFile[] = [];
    let manifestSha256: string | null = null;
    let status: RunStatus;
    let error: string | null = null;
    if (opts.spoolDir) mkdirSync(opts.spoolDir, { recursive: true });
    const staging = mkdtempSync(join(opts.spoolDir ?? tmpdir(), 'copytrail-run-'));
    try {
      for (const source of schedule.sources) {
        if (signal.aborted) throw new Interrupted();
        const o = await readSource(store, opts, source, runId, clock.now(), signal);
        sources.push(o);
        log(
          o.error
            ? `  source ${o.source}: FAILED: ${o.error}`
            : `  source ${o.source}: ${o.loaded} new files, ${o.skipped} already loaded, ${o.events_new} new events`,
        );
      }
      if (signal.aborted) throw new Interrupted();
      if (schedule.correlate) {
        const c = await correlate(store);
        log(`  correlate: ${c.copies} copies`);
      }
      if (signal.aborted) throw new Interrupted();
      const reports = await renderReports(store, opts, period, staging, clock.now());
      if (signal.aborted) throw new Interrupted();
      const sourceErrors = sources.filter((s) => s.error).map((s) => `${s.source}: ${s.error}`);
      status = sourceErrors.length ? 'partial' : 'succeeded';
      error = sourceErrors.length ? `source(s) failed: ${sourceErrors.join(' | ')}` : null;
      const manifest = writeRunManifest(staging, {
        runId,
        schedule,
        trigger: opts.trigger,
        scheduledFor: opts.scheduledFor,
        period,
        sources,
        reports,
        status,
        renderedAt: clock.now(),
      });
      files = manifest.files;
      manifestSha256 = manifest.sha256;
      const delivered = await deliverRun(staging, manifest, schedule, opts.endpointUrl);
      outputs = delivered.outputs;
      if (delivered.errors.length) {
        status = 'failed';
        error = [error, `delivery failed: ${delivered.errors.join(' | ')}`].filter(Boolean).join('; ');
      }
    } catch (err) {
      status = err instanceof Interrupted ? 'interrupted' : 'failed';
      error = errorText(err);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    await store.run('schedule/finish_run', {
      run_id: runId,
      finished_at: isoSeconds(clock.now()),
      status,
      sources: JSON.stringify(sources),
      outputs: JSON.stringify(outputs),
      manifest_sha256: manifestSha256,
      error,
    });
    log(`run ${runId} of ${schedule.name}: ${status}${error ? ` (${error})` : ''}`);
    return {
      runId,
      schedule: schedule.name,
      status,
      scheduledFor: isoSeconds(opts.scheduledFor),
      period: { start: isoSeconds(period.start), end: isoSeconds(period.end) },
      sources,
      outputs,
      files,
      manifestSha256,
      error,
    };
  } finally {
    store.close();
  }
}

async function renderReports(
  store: Store,
  opts: RunOptions,
  period: Period,
  out: string,
  now: Date,
): Promise<GenerateResult[]> {
  const { schedule, config } = opts;
  const wantsPdf = schedule.reports.some((r) => (r.formats ?? config.reports.formats).includes('pdf'));
  const pdf = wantsPdf ? new PdfRenderer(config.reports.chromium) : undefined;
  const results: GenerateResult[] = [];
  try {
    for (const r of schedule.reports) {
      results.push(
        await generateReport(store, {
          id: r.id,
          config,
          formats: r.formats ?? config.reports.formats,
          out,
          since: isoSeconds(period.start),
          until: isoSeconds(period.end),
          subject: r.subject ?? null,
          now,
          name: reportBase(schedule.name, r.id, r.subject, period),
          pdf,
        }),
      );
    }
  } finally {
    await pdf?.close();
  }
  return results;
}

/** Records a tick that was not run because the schedule's previous run was still going. */
export async function recordSkipped(
  dbPath: string,
  schedule: string,
  scheduledFor: Date,
  at: Date,
  reason: string,
): Promise<void> {
  const store = await Store.open({ path: dbPath });
  try {
    await store.run('schedule/record_skipped', {
      schedule,
      trigger: 'cron',
      scheduled_for: isoSeconds(scheduledFor),
      at: isoSeconds(at),
      reason,
      pid: process.pid,
    });
  } finally {
    store.close();
  }
}

export interface SchedulerOptions {
  dbPath: string;
  config: Config;
  /** only these schedules (default: all in the config) */
  only?: string[];
  clock?: Clock;
  endpointUrl?: string;
  spoolDir?: string;
  log?: (line: string) => void;
  /** runs one schedule; tests wrap the real one to hold a run open */
  execute?: (opts: RunOptions) => Promise<RunOutcome>;
  onRunFinished?: (outcome: RunOutcome) => void;
}

/**
 * The long-running scheduler. Runs share one database file, so they go one at a time in a queue;
 * a tick that finds its own schedule still running (or queued) is recorded as skipped, never run
 * twice at once. Aborting the signal ends the wait, lets the current run stop after its current
 * batch (recorded as interrupted), and resolves once the database is closed.
 */
export class Scheduler {
  private readonly busy = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => {});
  }

  schedules(): Schedule[] {
    const all = this.opts.config.schedules;
    return this.opts.only ? all.filter((s) => this.opts.only!.includes(s.name)) : all;
  }

  async run(signal: AbortSignal): Promise<void> {
    const plans = this.schedules().map((s) => ({ s, next: nextFire(s, this.clock.now()) }));
    for (const p of plans) {
      this.log(
        `${p.s.name}: ${p.s.cron} (${p.s.timezone}), next run ${p.next ? isoSeconds(p.next) : 'never'}`,
      );
    }
    while (!signal.aborted) {
      const due = plans
        .map((p) => p.next)
        .filter((d): d is Date => d !== null)
        .sort((a, b) => a.getTime() - b.getTime())[0];
      if (!due) {
        this.log('no schedule has a future run; stopping');
        break;
      }
      await this.clock.sleepUntil(due, signal);
      if (signal.aborted) break;
      const now = this.clock.now();
      for (const p of plans) {
        if (p.next && p.next.getTime() <= now.getTime()) {
          this.fire(p.s, p.next, signal);
          // ticks missed while the process was asleep or busy are not replayed
          p.next = nextFire(p.s, now);
        }
      }
    }
    await this.queue;
  }

  private fire(schedule: Schedule, at: Date, signal: AbortSignal): void {
    if (this.busy.has(schedule.name)) {
      this.log(`${schedule.name}: run for ${isoSeconds(at)} skipped: the previous run is still going`);
      const firedAt = this.clock.now();
      this.enqueue(() =>
        recordSkipped(this.opts.dbPath, schedule.name, at, firedAt, 'the previous run was still going'),
      );
      return;
    }
    this.busy.add(schedule.name);
    this.enqueue(async () => {
      try {
        if (signal.aborted) return;
        const execute = this.opts.execute ?? runSchedule;
        const outcome = await execute({
          dbPath: this.opts.dbPath,
          config: this.opts.config,
          schedule,
          trigger: 'cron',
          scheduledFor: at,
          clock: this.clock,
          signal,
          endpointUrl: this.opts.endpointUrl,
          spoolDir: this.opts.spoolDir,
          log: this.log,
        });
        this.opts.onRunFinished?.(outcome);
      } finally {
        this.busy.delete(schedule.name);
      }
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err) => {
      // a run that could not even open the database: nothing to record it in, so say it
      this.log(`scheduler: ${errorText(err)}`);
    });
  }
}
