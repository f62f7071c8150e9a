// One source of a scheduled run: read from where the last good read of it ended (a cursor per
// schedule and source, in the database), through the same readSource as `ingest <type>`.
import { resolve } from 'node:path';
import { z } from 'zod';
import { type ScheduleSource, specOf } from '../core/config.ts';
import { isoSeconds } from '../core/time.ts';
import type { IngestSummary } from '../ingest/loader.ts';
import { readSource } from '../ingest/read-source.ts';
import type { Store } from '../queries/store.ts';
import { errorText, type SourceOutcome } from './run-record.ts';

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

type Counts = Omit<SourceOutcome, 'source' | 'type' | 'since' | 'until' | 'error' | 'interrupted'>;

function countsOf(s: IngestSummary): Counts {
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
  };
}

const NOTHING: Counts = {
  files: 0,
  loaded: 0,
  skipped: 0,
  duplicate_files: 0,
  digests: 0,
  events_new: 0,
  events_duplicate: 0,
  records_rejected: 0,
  files_rejected: 0,
};

const Cursor = z.object({ read_until: z.string() });

export interface ScheduledRead {
  schedule: string;
  runId: number;
  now: Date;
  signal: AbortSignal;
  /** S3-compatible endpoint for every S3 source (overrides the source's endpoint_url) */
  endpointUrl?: string;
  spoolDir?: string;
}

/** Reads one source of a run and moves its cursor when the window was read whole. Never throws for the source. */
export async function readScheduledSource(
  store: Store,
  source: ScheduleSource,
  run: ScheduledRead,
): Promise<SourceOutcome> {
  const key = sourceKey(source);
  const cursor = (
    await store.all('schedule/get_cursor', Cursor, { schedule: run.schedule, source_key: key })
  )[0]?.read_until;
  // read up to now: a late run still catches up; the report period is separate
  const until = run.now;
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
  const spec = specOf(source);
  let outcome: SourceOutcome;
  try {
    const read = await readSource(
      store,
      spec.type === 's3' ? { ...spec, endpoint_url: run.endpointUrl ?? spec.endpoint_url } : spec,
      { range: since ? { since, until } : undefined, signal: run.signal, spoolDir: run.spoolDir },
    );
    outcome = { ...base, ...countsOf(read.result), interrupted: read.interrupted, error: read.incomplete };
  } catch (err) {
    return { ...base, ...NOTHING, interrupted: false, error: errorText(err) };
  }
  // the cursor moves only past a window read whole: an error or a stop reads it again next time
  if (!outcome.error && !outcome.interrupted) {
    await store.run('schedule/set_cursor', {
      schedule: run.schedule,
      source_key: key,
      read_until: isoSeconds(until),
      updated_at: isoSeconds(run.now),
      run_id: run.runId,
    });
  }
  return outcome;
}
