// The long-running scheduler behind `schedule run`: waits for each schedule's cron times and runs
// them one at a time, never a schedule twice at once.
import type { Config, Schedule } from '../core/config.ts';
import { isoSeconds } from '../core/time.ts';
import { errorText, type RunOutcome } from './run-record.ts';
import { type RunOptions, recordSkipped, runSchedule } from './schedule.ts';
import { type Clock, nextFire, systemClock } from './schedule-time.ts';

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
