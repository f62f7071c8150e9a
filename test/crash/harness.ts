// A kill harness: runs the real copytrail executable as a child process, stops it at an exact
// store statement (COPYTRAIL_FAULT) or at a random time, and reads back what the database holds.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Store } from '../../queries/store.ts';
import { BIN } from '../helpers.ts';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs copytrail to the end; `fault` is COPYTRAIL_FAULT (e.g. '40:SIGKILL'). */
export function copytrail(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, COPYTRAIL_BATCH_MB: '0.2', COPYTRAIL_WHOLE_BATCH_FACTOR: '1', ...env },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts copytrail without blocking this process (a server in it can answer the child); `ended`
 * settles with its exit and everything it printed.
 */
export function startCopytrail(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; ended: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const ended = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, ended };
}

/** Starts copytrail and kills it with `signal` after `ms` (the stress script's random points). */
export async function killAfter(
  args: string[],
  ms: number,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<Run> {
  const { child, ended } = startCopytrail(args, {
    ...process.env,
    COPYTRAIL_BATCH_MB: '0.2',
    COPYTRAIL_WHOLE_BATCH_FACTOR: '1',
  });
  const timer = setTimeout(() => child.kill(signal), ms);
  try {
    return await ended;
  } finally {
    clearTimeout(timer);
  }
}

export interface Contents {
  events: number;
  eventsHash: string;
  loadedFiles: number;
  copies: number;
  lineageHash: string;
  /** KMS events whose join keys are extracted (by the ingest, or by correlate) and committed. */
  kmsContext: number;
}

const CONTENTS = `
select
  (select count(*) from events)::integer as events,
  (select coalesce(md5(string_agg(event_id, ',' order by event_id)), '') from events) as events_hash,
  (select count(*) from ingested_files where status = 'loaded')::integer as loaded_files,
  (select count(*) from copies)::integer as copies,
  (select count(*) from kms_context)::integer as kms_context,
  (select coalesce(md5(string_agg(concat_ws('|', c.copy_id, c.status, c.target_id, c.key_change, c.parent_copy_id,
      (select string_agg(concat_ws(':', e.event_id, e.side, e.match), ',' order by e.event_id, e.side)
       from copy_evidence e where e.copy_id = c.copy_id)), ',' order by c.copy_id)), '') from copies c) as lineage_hash`;

/** What a store holds, in a form two stores can be compared by; opening it is itself the first check. */
export async function contents(db: string): Promise<Contents> {
  const store = await Store.open({ path: db, readOnly: db !== ':memory:' });
  try {
    return fromRows((await store.userQuery(CONTENTS)).rows[0]!);
  } finally {
    store.close();
  }
}

export async function contentsOf(store: Store): Promise<Contents> {
  return fromRows((await store.userQuery(CONTENTS)).rows[0]!);
}

function fromRows(r: Record<string, unknown>): Contents {
  return {
    events: Number(r.events),
    eventsHash: String(r.events_hash),
    loadedFiles: Number(r.loaded_files),
    copies: Number(r.copies),
    lineageHash: String(r.lineage_hash),
    kmsContext: Number(r.kms_context),
  };
}
