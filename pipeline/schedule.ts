// Scheduled runs. A run reads each configured source from its cursor (schedule-source.ts),
// correlates, renders the schedule's reports for its period into a staging folder, writes one run
// manifest with the sha256 of every file, and delivers the lot to a folder and/or an S3 prefix.
// Every run, including a failed, interrupted or skipped one, leaves a row in schedule_runs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Config, Schedule } from '../core/config.ts';
import { isoSeconds } from '../core/time.ts';
import { correlate } from '../correlate/correlate.ts';
import { Store } from '../queries/store.ts';
import { type GenerateResult, generateReport } from '../reports/generate.ts';
import { PdfRenderer } from '../reports/pdf.ts';
import { deliverRun, stamp, writeRunManifest } from './deliver.ts';
import {
  errorText,
  findingsAtFailOn,
  type Period,
  type RunFile,
  type RunOutcome,
  type RunStatus,
  type SourceOutcome,
  type Trigger,
} from './run-record.ts';
import { readScheduledSource } from './schedule-source.ts';
import { type Clock, periodFor, systemClock } from './schedule-time.ts';

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
const Abandoned = z.object({ run_id: z.coerce.number(), schedule: z.string() });

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
    let failOnFindings: number | null = null;
    let status: RunStatus;
    let error: string | null = null;
    if (opts.spoolDir) mkdirSync(opts.spoolDir, { recursive: true });
    const staging = mkdtempSync(join(opts.spoolDir ?? tmpdir(), 'copytrail-run-'));
    try {
      for (const source of schedule.sources) {
        if (signal.aborted) throw new Interrupted();
        const o = await readScheduledSource(store, source, {
          schedule: schedule.name,
          runId,
          now: clock.now(),
          signal,
          endpointUrl: opts.endpointUrl,
          spoolDir: opts.spoolDir,
        });
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
      failOnFindings = findingsAtFailOn(
        schedule.fail_on,
        reports.map((r) => r.model.summary),
      );
      if (failOnFindings) log(`  ${failOnFindings} finding(s) at or above fail_on ${schedule.fail_on}`);
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
      fail_on: schedule.fail_on ?? null,
      fail_on_findings: failOnFindings,
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
      failOn: schedule.fail_on ?? null,
      failOnFindings,
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
      const result = await generateReport(store, {
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
      });
      // in Lambda the home folder is read-only: without COPYTRAIL_SIGNING_KEY the key lives for this run only
      if (result.signer.warning) opts.log?.(`  ${r.id}: ${result.signer.warning}`);
      results.push(result);
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
