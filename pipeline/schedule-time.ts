// When a schedule runs and what time its reports cover: cron times in the schedule's zone, and a
// clock that tests replace to drive ticks by hand.
import { Cron } from 'croner';
import type { Schedule } from '../core/config.ts';
import type { Period } from './run-record.ts';

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

/** The time a run's reports cover: `period` before the scheduled time, else since the previous one. */
export function periodFor(schedule: Schedule, fire: Date): Period {
  if (schedule.period !== undefined) {
    return { start: new Date(fire.getTime() - schedule.period * 1000), end: fire };
  }
  const prev = cronOf(schedule).previousRuns(1, fire)[0];
  return { start: prev ?? new Date(fire.getTime() - 86_400_000), end: fire };
}
