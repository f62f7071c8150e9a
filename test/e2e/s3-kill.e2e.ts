// `ingest s3` killed at chosen moments (kill -9 and Ctrl-C) over a simulated organization trail,
// then run again: the database ends with exactly the events of one clean run, every file once,
// no coverage error, no spool left; in between, coverage never reads as complete.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../core/time.ts';
import { ingestS3 } from '../../ingest/s3.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { startCopytrail } from '../crash/harness.ts';
import { type S3Fixture, startS3 } from '../s3-server.ts';

const BUCKET = 'kill-trail';
const SINCE = '2026-03-01';
const UNTIL = '2026-03-03';

let dir: string;
let s3: S3Fixture;
let keys: string[];
let baseline: string[];
let baselineFiles: number;

async function eventIds(store: Store): Promise<string[]> {
  const { rows } = await store.userQuery('select event_id from events order by event_id');
  return rows.map((r) => String(r.event_id));
}

async function cli(db: string, onStart?: (kill: (sig: NodeJS.Signals) => void) => void) {
  const { child, ended } = startCopytrail(
    ['--db', db, 'ingest', 's3', '--bucket', BUCKET, '--endpoint-url', s3.endpoint].concat([
      '--since',
      SINCE,
      '--until',
      UNTIL,
    ]),
  );
  onStart?.((sig) => child.kill(sig));
  const { code, ...rest } = await ended;
  return { status: code, ...rest };
}

/** A seeded choice of moments, as counts of GETs into a run (each run has fewer objects left). */
function moments(n: number, seed: number, most: number): number[] {
  let a = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (a * 1103515245 + 12345) % 2 ** 31;
    out.push(1 + Math.floor((a / 2 ** 31) * most));
  }
  return out;
}

describe('ingest s3 killed and resumed', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copytrail-kill-'));
    const trail = join(dir, 'trail');
    simulate({ out: trail, events: 6_000, days: 2, seed: 5, bucket: BUCKET });
    keys = (readdirSync(trail, { recursive: true }) as string[])
      .map((k) => k.replaceAll('\\', '/'))
      .filter((k) => k.endsWith('.json.gz'))
      .sort();
    s3 = await startS3(BUCKET);
    for (let i = 0; i < keys.length; i += 64) {
      await Promise.all(
        keys.slice(i, i + 64).map((k) => {
          const sig = k.includes('CloudTrail-Digest')
            ? { signature: readFileSync(join(trail, `${k}.sig`), 'utf8') }
            : undefined;
          return s3.put(BUCKET, k, readFileSync(join(trail, k)), sig);
        }),
      );
    }
    const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    try {
      await ingestS3(store, s3.client, { bucket: BUCKET, range: parseRange(SINCE, UNTIL) });
      baseline = await eventIds(store);
      const { rows } = await store.userQuery('select count(*)::integer as n from ingested_files');
      baselineFiles = Number(rows[0]!.n);
    } finally {
      store.close();
    }
  });
  afterAll(async () => {
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 three times at seeded moments, then Ctrl-C once, then a full run: one clean run’s events', async () => {
    const db = join(dir, 'killed.duckdb');
    // each run fetches what the one before left: kill the first three early enough to leave some
    for (const at of moments(3, 7, keys.length / 4)) {
      const r = await cli(db, (kill) => s3.afterGets(at, () => kill('SIGKILL')));
      expect(r.signal).toBe('SIGKILL');
      const store = await Store.open({ path: db, memoryLimit: '1GB' });
      try {
        // folders whose objects are not all in the ledger say so, even though the run died
        const { rows } = await store.userQuery(
          "select count(*)::integer as n from ingest_coverage where source = 's3' and error like '%not loaded yet%'",
        );
        console.log(`killed at GET ${at} of the run: ${rows[0]!.n} day folders marked incomplete`);
        expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      } finally {
        store.close();
      }
    }
    const at = moments(1, 99, keys.length / 4)[0]!;
    const stopped = await cli(db, (kill) => s3.afterGets(at, () => kill('SIGINT')));
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toMatch(/saved: \d+ files loaded/);
    expect(existsSync(`${db}.spool`)).toBe(false);

    const last = await cli(db);
    expect(last.status, last.stdout + last.stderr).toBe(0);
    expect(existsSync(`${db}.spool`)).toBe(false);
    const store = await Store.open({ path: db, memoryLimit: '1GB' });
    try {
      expect(await eventIds(store)).toEqual(baseline);
      const files = await store.userQuery(
        'select count(*)::integer as n, count(distinct location)::integer as d from ingested_files',
      );
      expect(files.rows[0]).toEqual({ n: baselineFiles, d: baselineFiles });
      const errors = await store.userQuery(
        "select count(*)::integer as n from ingest_coverage where source = 's3' and error is not null",
      );
      expect(errors.rows[0]!.n).toBe(0);
    } finally {
      store.close();
    }
  });
});
