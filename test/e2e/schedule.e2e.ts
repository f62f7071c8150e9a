// Scheduled runs: a fake clock drives the cron ticks; sources and delivery are a real S3 server
// (fauxqs over HTTP) and real folders; the store is a real DuckDB file.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Config, type Schedule } from '../../core/config.ts';
import type { RunOutcome } from '../../pipeline/run-record.ts';
import { type RunOptions, runSchedule } from '../../pipeline/schedule.ts';
import { type Clock, latestFire, nextFire, periodFor } from '../../pipeline/schedule-time.ts';
import { Scheduler } from '../../pipeline/scheduler.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { tempDir } from '../helpers.ts';
import { type S3Fixture, startS3 } from '../s3-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** The store statement at which the scheduler gets SIGTERM: past migrations, inside the first ingest. */
const SIGTERM_AT = 120;
const TRAIL_BUCKET = 'org-trail';
const REPORT_BUCKET = 'compliance-reports';

/** A clock the test moves by hand; sleepers wake when it passes their time. */
class FakeClock implements Clock {
  private sleepers: { until: number; done: () => void }[] = [];
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  sleepUntil(until: Date, signal: AbortSignal): Promise<void> {
    return new Promise((done) => {
      if (until.getTime() <= this.t || signal.aborted) return done();
      this.sleepers.push({ until: until.getTime(), done });
      signal.addEventListener('abort', () => done(), { once: true });
    });
  }
  get waiting(): number {
    return this.sleepers.length;
  }
  set(to: string): void {
    this.t = Date.parse(to);
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.done();
  }
}

/**
 * Waits for a condition the scheduler makes true, however long a loaded machine takes; only the
 * test's own timeout (a guard against a hang) bounds it.
 */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 25));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Uploads a simulated trail as CloudTrail writes it; a digest's signature goes in its metadata. */
async function upload(s3: S3Fixture, trail: string): Promise<number> {
  const logs = filesUnder(join(trail, 'AWSLogs')).filter((f) => !f.endsWith('.sig'));
  for (let i = 0; i < logs.length; i += 64) {
    await Promise.all(
      logs.slice(i, i + 64).map((f) => {
        const sig = `${f}.sig`;
        return s3.put(
          TRAIL_BUCKET,
          relative(trail, f),
          readFileSync(f),
          existsSync(sig) ? { signature: readFileSync(sig, 'utf8').trim() } : undefined,
        );
      }),
    );
  }
  return logs.filter((f) => f.includes('/CloudTrail/')).length;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function schedule(over: Partial<Record<keyof Schedule, unknown>>): Config {
  return Config.parse({
    residency: { allowed_jurisdictions: ['US', 'EU'], vault_accounts: ['682435792246'] },
    schedules: [
      {
        name: 'nightly',
        cron: '0 6 * * *',
        timezone: 'Europe/Berlin',
        reports: [{ id: 'residency', formats: ['html', 'json'] }],
        deliver: { dir: tempDir('copytrail-deliver-') },
        ...over,
      },
    ],
  });
}

async function history(db: string): Promise<Record<string, unknown>[]> {
  const store = await Store.open({ path: db });
  try {
    return (
      await store.userQuery(
        'select * exclude (sources, outputs), sources::varchar as sources from schedule_runs order by run_id',
      )
    ).rows;
  } finally {
    store.close();
  }
}

async function scalar(db: string, sql: string): Promise<number> {
  const store = await Store.open({ path: db });
  try {
    return Number(Object.values((await store.userQuery(sql)).rows[0]!)[0]);
  } finally {
    store.close();
  }
}

/** Schedulers started by a test; stopped after it even when an assertion failed midway. */
const live: { abort: AbortController; running: Promise<void> }[] = [];
afterEach(async () => {
  while (live.length) {
    const l = live.pop()!;
    l.abort.abort();
    await l.running;
  }
});

function start(scheduler: Scheduler): { abort: AbortController; running: Promise<void> } {
  const abort = new AbortController();
  const l = { abort, running: scheduler.run(abort.signal) };
  live.push(l);
  return l;
}

describe('schedule timing', () => {
  const s = schedule({}).schedules[0]!;

  it('reads cron times in the schedule time zone, across a daylight-saving change', () => {
    // 06:00 in Berlin is 05:00Z in winter and 04:00Z in summer (clocks changed on 2026-03-29)
    expect(nextFire(s, new Date('2026-03-02T12:00:00Z'))!.toISOString()).toBe('2026-03-03T05:00:00.000Z');
    expect(nextFire(s, new Date('2026-03-29T12:00:00Z'))!.toISOString()).toBe('2026-03-30T04:00:00.000Z');
    const utc = Config.parse({ schedules: [{ ...s, deliver: { dir: '/x' }, timezone: 'UTC' }] })
      .schedules[0]!;
    expect(nextFire(utc, new Date('2026-03-02T12:00:00Z'))!.toISOString()).toBe('2026-03-03T06:00:00.000Z');
  });

  it('gives a run the period since the previous scheduled time, or the configured one', () => {
    const p = periodFor(s, new Date('2026-03-03T05:00:00Z'));
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual([
      '2026-03-02T05:00:00.000Z',
      '2026-03-03T05:00:00.000Z',
    ]);
    const weekly = { ...s, period: 7 * 86400 };
    expect(periodFor(weekly, new Date('2026-03-08T05:00:00Z')).start.toISOString()).toBe(
      '2026-03-01T05:00:00.000Z',
    );
    // `schedule once` runs for the newest scheduled time at or before now
    expect(latestFire(s, new Date('2026-03-03T05:00:00Z'))!.toISOString()).toBe('2026-03-03T05:00:00.000Z');
    expect(latestFire(s, new Date('2026-03-03T04:59:59Z'))!.toISOString()).toBe('2026-03-02T05:00:00.000Z');
  });
});

describe('scheduled runs', () => {
  let s3: S3Fixture;
  let firstFiles = 0;
  let secondFiles = 0;
  let secondTrail = '';
  const rules: { deny: string[] } = { deny: [] };
  // beforeAll-scoped data: the per-test temp helper would remove it after the first test
  const keep = mkdtempSync(join(tmpdir(), 'copytrail-sched-'));

  beforeAll(async () => {
    s3 = await startS3(TRAIL_BUCKET, rules);
    await s3.client.send(new CreateBucketCommand({ Bucket: REPORT_BUCKET }));
    const first = simulate({ out: join(keep, 'a'), events: 4000, days: 2, start: '2026-03-01', seed: 3 });
    firstFiles = await upload(s3, first.out);
    secondTrail = simulate({ out: join(keep, 'b'), events: 1500, days: 1, start: '2026-03-03', seed: 4 }).out;
    secondFiles = filesUnder(join(secondTrail, 'AWSLogs')).filter((f) => f.includes('/CloudTrail/')).length;
  });
  afterAll(async () => {
    await s3?.stop();
    rmSync(keep, { recursive: true, force: true });
  });

  const s3Source = () => ({ type: 's3', bucket: TRAIL_BUCKET, endpoint_url: s3.endpoint, lookback: '3d' });

  it('runs on its cron tick, ingests from S3, delivers to S3 and a folder, and the second run reads only what is new', async () => {
    const db = join(tempDir(), 'sched.duckdb');
    const dir = tempDir('copytrail-deliver-');
    const config = schedule({
      sources: [s3Source()],
      reports: [
        { id: 'residency', formats: ['html', 'pdf', 'json'] },
        { id: 'dr_coverage', formats: ['json'] },
      ],
      deliver: { dir, s3: { bucket: REPORT_BUCKET, prefix: 'copytrail/', endpoint_url: s3.endpoint } },
    });
    const clock = new FakeClock(Date.parse('2026-03-03T03:00:00Z'));
    const outcomes: RunOutcome[] = [];
    const scheduler = new Scheduler({ dbPath: db, config, clock, onRunFinished: (o) => outcomes.push(o) });
    const { abort, running } = start(scheduler);

    await until(() => clock.waiting === 1);
    clock.set('2026-03-03T04:59:59Z'); // before 06:00 in Berlin: nothing runs
    await new Promise((r) => setTimeout(r, 200));
    expect(outcomes).toHaveLength(0);
    clock.set('2026-03-03T05:00:00Z');
    await until(() => outcomes.length >= 1);
    const first = outcomes[0]!;
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.scheduledFor).toBe('2026-03-03T05:00:00Z');
    expect(first.period).toEqual({ start: '2026-03-02T05:00:00Z', end: '2026-03-03T05:00:00Z' });
    expect(first.sources[0]!.loaded + first.sources[0]!.duplicate_files).toBe(firstFiles);
    expect(first.sources[0]!.since).toBe('2026-02-28T05:00:00Z');

    // every delivered file is in the run manifest with the sha256 of the bytes delivered, in both places
    const manifestName = 'nightly_20260302T050000Z_20260303T050000Z.run.json';
    const manifest = JSON.parse(readFileSync(join(dir, 'nightly', manifestName), 'utf8'));
    const names = manifest.files.map((f: { file: string }) => f.file);
    expect(names).toContain('nightly_residency_20260302T050000Z_20260303T050000Z.pdf');
    expect(names).toContain('nightly_dr_coverage_20260302T050000Z_20260303T050000Z.json');
    // residency html, pdf, json; dr_coverage json; each with its inputs list, manifest and signature
    expect(names).toHaveLength(10);
    // and the delivered folder proves itself
    const { verifyDir } = await import('../../reports/manifest-verify.ts');
    const proof = await verifyDir(join(dir, 'nightly'));
    expect(proof.manifests.flatMap((m) => m.problems)).toEqual([]);
    expect(proof.warnings).toEqual([]);
    const listed = await s3.client.send(
      new ListObjectsV2Command({ Bucket: REPORT_BUCKET, Prefix: 'copytrail/nightly/' }),
    );
    expect(listed.Contents!.map((o) => o.Key).sort()).toEqual(
      [...names, manifestName].map((n: string) => `copytrail/nightly/${n}`).sort(),
    );
    for (const f of manifest.files as { file: string; sha256: string; bytes: number }[]) {
      const local = readFileSync(join(dir, 'nightly', f.file));
      expect(sha256(local), f.file).toBe(f.sha256);
      const got = await s3.client.send(
        new GetObjectCommand({ Bucket: REPORT_BUCKET, Key: `copytrail/nightly/${f.file}` }),
      );
      expect(sha256(await got.Body!.transformToByteArray()), f.file).toBe(f.sha256);
    }
    expect(first.manifestSha256).toBe(sha256(readFileSync(join(dir, 'nightly', manifestName))));

    // new files arrive; the next tick reads from the cursor and downloads only them
    await upload(s3, secondTrail);
    const eventsBefore = await scalar(db, 'select count(*) from events');
    clock.set('2026-03-04T05:00:00Z');
    await until(() => outcomes.length >= 2);
    const second = outcomes[1]!;
    expect(second.status, second.error ?? '').toBe('succeeded');
    expect(second.sources[0]!.loaded + second.sources[0]!.duplicate_files).toBe(secondFiles);
    expect(second.sources[0]!.skipped).toBeGreaterThanOrEqual(1);
    // the second window starts at the first one's end, less the late-delivery overlap (6 h)
    expect(second.sources[0]!.since).toBe('2026-03-02T23:00:00Z');
    abort.abort();
    await running;
    const eventsAfter = await scalar(db, 'select count(*) from events');
    expect(eventsAfter - eventsBefore).toBe(second.sources[0]!.events_new);
    expect(second.sources[0]!.events_new).toBeGreaterThan(1000);
    const rows = await history(db);
    expect(rows.map((r) => [r.status, r.trigger])).toEqual([
      ['succeeded', 'cron'],
      ['succeeded', 'cron'],
    ]);
    expect(await scalar(db, `select count(*) from schedule_cursors where schedule = 'nightly'`)).toBe(1);
  });

  it('records a failing source, still delivers, and runs again on the next tick', async () => {
    const db = join(tempDir(), 'fail.duckdb');
    const config = schedule({
      cron: '0 * * * *',
      timezone: 'UTC',
      sources: [
        { ...s3Source(), prefix: '' },
        { type: 'dir', paths: [join(tempDir(), 'no-such-folder')] },
      ],
      reports: [{ id: 'dr_coverage', formats: ['json'] }],
    });
    const clock = new FakeClock(Date.parse('2026-03-03T00:30:00Z'));
    const outcomes: RunOutcome[] = [];
    const scheduler = new Scheduler({ dbPath: db, config, clock, onRunFinished: (o) => outcomes.push(o) });
    const { abort, running } = start(scheduler);
    rules.deny = ['AWSLogs/'];
    try {
      await until(() => clock.waiting === 1);
      clock.set('2026-03-03T01:00:00Z');
      await until(() => outcomes.length >= 1);
    } finally {
      rules.deny = [];
    }
    const failed = outcomes[0]!;
    expect(failed.status).toBe('partial');
    expect(failed.sources[0]!.error).toMatch(/AccessDenied/);
    expect(failed.sources[1]!.error).toMatch(/no-such-folder/);
    expect(failed.error).toContain(`s3://${TRAIL_BUCKET}/`);
    expect(failed.outputs.length).toBeGreaterThan(0);

    await until(() => clock.waiting === 1);
    clock.set('2026-03-03T02:00:00Z');
    await until(() => outcomes.length >= 2);
    abort.abort();
    await running;
    const next = outcomes[1]!;
    // the S3 source had no cursor (its first read failed), so it reads its whole lookback now
    expect(next.sources[0]!.error).toBeNull();
    expect(next.sources[0]!.since).toBe('2026-02-28T02:00:00Z');
    expect(next.sources[0]!.loaded).toBeGreaterThan(0);
    expect(next.status).toBe('partial'); // the folder is still missing
    const rows = await history(db);
    expect(rows.map((r) => r.status)).toEqual(['partial', 'partial']);
    expect(String(rows[0]!.error)).toMatch(/AccessDenied/);
    expect(String(rows[1]!.error)).not.toMatch(/AccessDenied/);
  });

  it('never overlaps a schedule with itself: ticks during a run are recorded as skipped', async () => {
    const db = join(tempDir(), 'overlap.duckdb');
    const config = schedule({
      cron: '* * * * *',
      timezone: 'UTC',
      reports: [{ id: 'dr_coverage', formats: ['json'] }],
    });
    const clock = new FakeClock(Date.parse('2026-03-03T00:00:30Z'));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let active = 0;
    let most = 0;
    let calls = 0;
    const execute = async (opts: RunOptions) => {
      active++;
      calls++;
      most = Math.max(most, active);
      try {
        if (calls === 1) await gate;
        return await runSchedule(opts);
      } finally {
        active--;
      }
    };
    const outcomes: RunOutcome[] = [];
    const scheduler = new Scheduler({
      dbPath: db,
      config,
      clock,
      execute,
      onRunFinished: (o) => outcomes.push(o),
    });
    const { abort, running } = start(scheduler);
    for (const t of ['2026-03-03T00:01:00Z', '2026-03-03T00:02:00Z', '2026-03-03T00:03:00Z']) {
      await until(() => clock.waiting === 1);
      clock.set(t);
    }
    await until(() => clock.waiting === 1);
    expect(calls).toBe(1); // the 00:02 and 00:03 ticks found 00:01 still running
    release();
    await until(() => outcomes.length >= 1);
    clock.set('2026-03-03T00:04:00Z'); // free again: this tick runs
    await until(() => outcomes.length >= 2);
    abort.abort();
    await running;
    expect(most).toBe(1);
    const rows = await history(db);
    expect(rows.map((r) => [r.status, new Date(String(r.scheduled_for)).toISOString()])).toEqual([
      ['succeeded', '2026-03-03T00:01:00.000Z'],
      ['skipped', '2026-03-03T00:02:00.000Z'],
      ['skipped', '2026-03-03T00:03:00.000Z'],
      ['succeeded', '2026-03-03T00:04:00.000Z'],
    ]);
    expect(String(rows[1]!.error)).toMatch(/still going/);
  });
});

describe('a schedule over Athena', () => {
  it('reads from its cursor: the second run asks Athena only for the window since the first ended', async () => {
    const athena = mockClient(AthenaClient);
    try {
      const columns = ['eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid'];
      const row = [
        'a7f3c1e0-0000-4000-8000-000000000001',
        '2026-03-02T23:10:00Z',
        'ec2.amazonaws.com',
        'CopySnapshot',
        'eu-west-1',
        '351842270915',
      ];
      athena
        .on(StartQueryExecutionCommand)
        .resolvesOnce({ QueryExecutionId: 'q-sched-1' })
        .resolves({ QueryExecutionId: 'q-sched-2' });
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
      athena.on(GetQueryResultsCommand).resolves({
        ResultSet: {
          Rows: [
            { Data: columns.map((c) => ({ VarCharValue: c })) },
            { Data: row.map((v) => ({ VarCharValue: v })) },
          ],
          ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Type: 'varchar' })) },
        },
      });
      const config = schedule({
        cron: '0 * * * *',
        timezone: 'UTC',
        sources: [
          { type: 'athena', database: 'cloudtrail', table: 'org_trail', lookback: '1d', overlap: '6h' },
        ],
        reports: [{ id: 'dr_coverage', formats: ['json'] }],
      });
      const db = join(tempDir(), 'athena.duckdb');
      const clock = new FakeClock(Date.parse('2026-03-03T01:00:00Z'));
      const run = () =>
        runSchedule({
          dbPath: db,
          config,
          schedule: config.schedules[0]!,
          trigger: 'once',
          scheduledFor: clock.now(),
          clock,
        });
      const first = await run();
      clock.set('2026-03-03T02:00:00Z');
      const second = await run();
      expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
      const windows = athena
        .commandCalls(StartQueryExecutionCommand)
        .map((c) => c.args[0].input.ExecutionParameters!.slice(2, 4));
      expect(windows).toEqual([
        ["'2026-03-02T01:00:00Z'", "'2026-03-03T01:00:00Z'"], // the first run reads its lookback
        ["'2026-03-02T19:00:00Z'", "'2026-03-03T02:00:00Z'"], // then from the cursor, less the overlap
      ]);
      expect(first.sources[0]!.events_new).toBe(1);
      expect(second.sources[0]!.events_new).toBe(0);
      // the same row again: the page's content is a known file's, so nothing is loaded twice
      expect(second.sources[0]!.duplicate_files).toBe(1);
      expect(second.sources[0]!.source).toBe('athena:cloudtrail.org_trail');
    } finally {
      athena.restore();
    }
  });
});

describe('schedule run as a process', () => {
  it('stops cleanly on SIGTERM mid-run: the run is recorded as interrupted and the store is consistent', async () => {
    const work = tempDir();
    const trail = simulate({
      out: join(work, 'trail'),
      events: 3000,
      days: 1,
      start: '2026-03-01',
      seed: 9,
    }).out;
    const db = join(work, 'term.duckdb');
    const configFile = join(work, 'config.yaml');
    writeFileSync(
      configFile,
      [
        'schedules:',
        '  - name: every-second',
        "    cron: '* * * * * *'",
        '    sources:',
        `      - { type: dir, paths: ['${trail}'] }`,
        '    reports: [{ id: dr_coverage, formats: [json] }]',
        `    deliver: { dir: '${join(work, 'out')}' }`,
        '',
      ].join('\n'),
    );
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'copytrail.mjs'), '--db', db, 'schedule', 'run', '--config', configFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // SIGTERM arrives at an exact point inside the run's ingest (small batches, so there are
        // many), not after a guessed delay that a loaded machine can outrun
        env: {
          ...process.env,
          COPYTRAIL_BATCH_MB: '0.2',
          COPYTRAIL_WHOLE_BATCH_FACTOR: '1',
          COPYTRAIL_FAULT: `${SIGTERM_AT}:SIGTERM`,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const code = await exited;
    expect(stdout).toMatch(/run 1 of every-second started/);
    expect(code, stderr).toBe(143);
    expect(stdout).toMatch(/SIGTERM: stopping/);
    expect(stdout).toMatch(/scheduler stopped/);

    // ticks that came while the run was going are recorded as skipped; one run really ran
    const rows = (await history(db)).filter((r) => r.status !== 'skipped');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('interrupted');
    expect(rows[0]!.finished_at).not.toBeNull();
    // what was committed is whole: every event belongs to a loaded file, and the counts agree
    const events = await scalar(db, 'select count(*) from events');
    expect(events).toBeGreaterThan(0);
    expect(
      await scalar(
        db,
        `select coalesce(sum(record_count - rejected_count), 0) from ingested_files where status = 'loaded'`,
      ),
    ).toBeGreaterThanOrEqual(events);
    expect(await scalar(db, 'select count(*) from events e anti join ingested_files f using (file_id)')).toBe(
      0,
    );
    expect(await scalar(db, 'select count(*) from schedule_cursors')).toBe(0);
    expect(existsSync(join(work, 'out'))).toBe(false);

    // the next run picks up where this one stopped and finishes the job
    const once = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'copytrail.mjs'),
        '--db',
        db,
        'schedule',
        'once',
        'every-second',
        '--config',
        configFile,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let onceOut = '';
    once.stdout.on('data', (d) => {
      onceOut += d;
    });
    expect(await new Promise((r) => once.on('exit', r)), onceOut).toBe(0);
    const all = (await history(db)).filter((r) => r.status !== 'skipped');
    expect(all.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    const simulatedEvents = await scalar(db, 'select count(*) from events');
    expect(simulatedEvents).toBeGreaterThan(events);
    expect(await scalar(db, 'select count(*) from schedule_cursors')).toBe(1);
    expect(statSync(join(work, 'out', 'every-second')).isDirectory()).toBe(true);
  });
});

describe('the Lambda entry point', () => {
  it('runs a schedule from an EventBridge event, keeping the database in S3 between invocations', async () => {
    const s3 = await startS3('copytrail-state');
    try {
      await s3.client.send(new CreateBucketCommand({ Bucket: REPORT_BUCKET }));
      const work = tempDir();
      const trail = simulate({
        out: join(work, 'trail'),
        events: 2000,
        days: 1,
        start: '2026-03-01',
        seed: 5,
      }).out;
      const config = [
        'schedules:',
        '  - name: daily',
        "    cron: '0 6 * * *'",
        '    timezone: Europe/Berlin',
        `    sources: [{ type: dir, paths: ['${trail}'] }]`,
        '    reports: [{ id: residency, formats: [html, pdf, json] }]',
        `    deliver: { s3: { bucket: ${REPORT_BUCKET}, prefix: lambda } }`,
        '',
      ].join('\n');
      await s3.put('copytrail-state', 'config/copytrail.yaml', config);
      const invoke = (event: object, dbDir: string) =>
        new Promise<{ code: number | null; out: string; err: string }>((done) => {
          const script = `const m = await import(${JSON.stringify(join(ROOT, 'lambda.mjs'))}); const r = await m.handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 600000 }); console.log('RESULT ' + JSON.stringify(r));`;
          const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: {
              ...process.env,
              AWS_LAMBDA_FUNCTION_NAME: 'copytrail-test',
              COPYTRAIL_CONFIG: 's3://copytrail-state/config/copytrail.yaml',
              COPYTRAIL_STATE: 's3://copytrail-state/state/copytrail.duckdb',
              COPYTRAIL_DB: join(dbDir, 'copytrail.duckdb'),
              COPYTRAIL_ENDPOINT_URL: s3.endpoint,
            },
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => {
            out += d;
          });
          child.stderr.on('data', (d) => {
            err += d;
          });
          child.on('exit', (code) => done({ code, out, err }));
        });
      // two cold containers: nothing local survives from the first to the second
      const first = await invoke(
        { 'detail-type': 'Scheduled Event', time: '2026-03-02T05:00:10Z', schedule: 'daily' },
        tempDir(),
      );
      expect(first.code, first.err).toBe(0);
      const r1 = JSON.parse(first.out.split('RESULT ')[1]!);
      expect(r1.status).toBe('succeeded');
      expect(r1.scheduledFor).toBe('2026-03-02T05:00:00Z');
      expect(r1.sources[0].loaded).toBeGreaterThan(0);
      const pdf = r1.outputs.find((o: string) => o.endsWith('.pdf'));
      expect(pdf).toBe(
        `s3://${REPORT_BUCKET}/lambda/daily/daily_residency_20260301T050000Z_20260302T050000Z.pdf`,
      );
      const got = await s3.client.send(
        new GetObjectCommand({ Bucket: REPORT_BUCKET, Key: pdf.slice(`s3://${REPORT_BUCKET}/`.length) }),
      );
      expect(
        Buffer.from(await got.Body!.transformToByteArray())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');

      const second = await invoke({ time: '2026-03-03T05:00:05Z' }, tempDir());
      expect(second.code, second.err).toBe(0);
      const r2 = JSON.parse(second.out.split('RESULT ')[1]!);
      // the state from S3 carried the ledger and the history: nothing is read twice
      expect(r2.runId).toBe(r1.runId + 1);
      expect(r2.sources[0].loaded).toBe(0);
      expect(r2.sources[0].skipped).toBe(r1.sources[0].files);

      // a bad event is an error to Lambda, naming what is wrong
      const bad = await invoke({ schedule: 'weekly' }, tempDir());
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(/no schedule named 'weekly'/);
      const slashed = await invoke({ schedule: 'daily', at: '03/02/2026' }, tempDir());
      expect(slashed.code).not.toBe(0);
      expect(slashed.err).toMatch(/the event's time '03\/02\/2026' is not an ISO 8601 time/);
    } finally {
      await s3.stop();
    }
  });
});
