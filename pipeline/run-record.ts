// The record a scheduled run leaves: in schedule_runs, in its run manifest and in what it returns.
// Shared by the run (schedule.ts), the source reads (schedule-source.ts) and delivery (deliver.ts).
import type { SourceType } from '../core/sources.ts';

export type Trigger = 'cron' | 'once' | 'lambda';
export type RunStatus = 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'skipped';

export interface Period {
  start: Date;
  end: Date;
}

/** What one source of a run read; a JSON element of schedule_runs.sources and of the manifest. */
export interface SourceOutcome {
  source: string;
  type: SourceType;
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

/** A delivered file, as the run manifest lists it. */
export interface RunFile {
  file: string;
  bytes: number;
  sha256: string;
}

/** A schedule's `fail_on`: the finding statuses that count towards its threshold (as `report --fail-on`). */
export const FAIL_ON_STATUSES = { fail: ['fail'], unknown: ['fail', 'unknown'] } as const;
export type FailOn = keyof typeof FAIL_ON_STATUSES;

/** Findings of the run's reports at or above `failOn`; null when the schedule sets none. */
export function findingsAtFailOn(
  failOn: FailOn | undefined,
  summaries: { fail: number; unknown: number }[],
): number | null {
  if (!failOn) return null;
  return summaries.reduce((n, s) => n + FAIL_ON_STATUSES[failOn].reduce((m, status) => m + s[status], 0), 0);
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
  /** the schedule's fail_on level, if it sets one */
  failOn: FailOn | null;
  /** report findings at or above failOn (null without one, or when no report was rendered) */
  failOnFindings: number | null;
}

/** An error as the run record words it: its name when that says more than "Error". */
export function errorText(err: unknown): string {
  const e = err as Error;
  return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
}
