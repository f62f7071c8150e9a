// ingest s3 against a proxy that breaks things on purpose: cut and corrupted bodies, answers that
// never come, SlowDown beyond the SDK's own retries, an interrupt mid-download. Each fault is
// retried or recorded as a failed fetch (never as a loaded or rejected file), and a re-run heals it.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../core/time.ts';
import { ingestS3, type S3IngestOptions } from '../../ingest/s3.ts';
import { formatS3Summary } from '../../ingest/summary.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { startCopytrail } from '../crash/harness.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';
import { type FaultRule, type S3Fixture, startS3 } from '../s3-server.ts';

const BUCKET = 'sim-trail';
// small waits so a test that exhausts its attempts stays fast; the fault, not the clock, decides
const FAST = { attempts: 3, backoffBaseMs: 1, backoffMaxMs: 5 };

let trail: string;
let keys: string[];
/** Keys whose content no other key repeats (the simulator delivers some files twice). */
let unique: string[];
let baseline: string[];

function logKeys(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((k) => k.replaceAll('\\', '/'))
    .filter((k) => k.endsWith('.json.gz'))
    .sort();
}

async function eventIds(store: Store): Promise<string[]> {
  const { rows } = await store.userQuery('select event_id from events order by event_id');
  return rows.map((r) => String(r.event_id));
}

beforeAll(async () => {
  // not tempDir(): that one is emptied after each test, and the trail serves them all
  trail = mkdtempSync(join(tmpdir(), 'copytrail-faults-trail-'));
  // a seed whose one-day trail has a file delivered twice and every file inside the window asked for
  simulate({ out: trail, events: 400, days: 1, seed: 16, digests: false, bucket: BUCKET });
  keys = logKeys(trail);
  const byContent = new Map<string, string[]>();
  for (const k of keys) {
    const h = createHash('sha256')
      .update(readFileSync(join(trail, k)))
      .digest('hex');
    byContent.set(h, [...(byContent.get(h) ?? []), k]);
  }
  unique = keys.filter(
    (k) =>
      byContent.get(
        createHash('sha256')
          .update(readFileSync(join(trail, k)))
          .digest('hex'),
      )!.length === 1,
  );
  // the reference: every event of the trail, read without any fault
  const s3 = await startS3(BUCKET);
  try {
    await upload(s3);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(r.loaded + r.duplicateFiles).toBe(keys.length);
    expect(r.duplicateFiles).toBeGreaterThan(0);
    baseline = await eventIds(store);
    expect(baseline.length).toBeGreaterThan(300);
  } finally {
    await s3.stop();
  }
});

afterAll(() => rmSync(trail, { recursive: true, force: true }));

async function upload(s3: S3Fixture) {
  for (let i = 0; i < keys.length; i += 32) {
    await Promise.all(keys.slice(i, i + 32).map((k) => s3.put(BUCKET, k, readFileSync(join(trail, k)))));
  }
}

function options(over: Partial<S3IngestOptions> = {}): S3IngestOptions {
  return {
    bucket: BUCKET,
    range: parseRange('2026-03-01', '2026-03-02'),
    spoolDir: tempDir('copytrail-spool-'),
    fetch: FAST,
    ...over,
  };
}

/** A key early in the sorted list: before the fix, downloads waited on each other in key order. */
const victim = (n = 0) => unique[Math.floor(unique.length / 3) + n]!;
/** Files that reached the ledger (the simulator's repeated deliveries land as duplicates). */
const settled = (r: { loaded: number; duplicateFiles: number }) => r.loaded + r.duplicateFiles;
const fileName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** `copytrail ingest s3` of the fixture's day as a child process; `ended` settles when it exits. */
function ingestChild(db: string, endpoint: string) {
  return startCopytrail(
    [
      '--db',
      db,
      'ingest',
      's3',
      '--bucket',
      BUCKET,
      '--endpoint-url',
      endpoint,
      '--since',
      '2026-03-01',
    ].concat(['--until', '2026-03-02']),
    { ...process.env, AWS_REGION: 'us-east-1' },
  );
}

async function coverageError(store: Store, key: string): Promise<string | null> {
  const m = /AWSLogs\/o-[a-z0-9]+\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(
    key,
  )!;
  const { rows } = await store.userQuery(
    `select error from ingest_coverage where source = 's3' and account_id = '${m[1]}' and region = '${m[2]}' and window_start = '${m[3]}-${m[4]}-${m[5]}'`,
  );
  expect(rows).toHaveLength(1);
  return (rows[0]!.error as string | null) ?? null;
}

describe('ingest s3 under faults', () => {
  const fixtures: S3Fixture[] = [];
  afterEach(async () => {
    while (fixtures.length) await fixtures.pop()!.stop();
  });
  async function server(faults: FaultRule[], client = {}) {
    const s3 = await startS3(BUCKET, { faults, client });
    fixtures.push(s3);
    await upload(s3);
    return s3;
  }

  it('retries a body cut short and loads it', async () => {
    const key = victim();
    const s3 = await server([{ match: fileName(key), times: 2, fault: { kind: 'cut', afterBytes: 40 } }]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(s3.requests.fired[0]).toBe(2);
    expect(s3.getsOf(fileName(key))).toBe(3);
    expect(r.objectsFailed).toEqual([]);
    expect(r.retried).toBe(1);
    expect(settled(r)).toBe(keys.length);
    expect(await eventIds(store)).toEqual(baseline);
    expect(await coverageError(store, key)).toBeNull();
  });

  it('records a body cut on every attempt as a failed fetch; a clean re-run loads exactly it and clears the error', async () => {
    const key = victim();
    const s3 = await server([{ match: fileName(key), fault: { kind: 'cut', afterBytes: 40 } }]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(s3.getsOf(fileName(key))).toBe(FAST.attempts);
    expect(r.objectsFailed).toHaveLength(1);
    expect(r.objectsFailed[0]).toMatchObject({ key, attempts: FAST.attempts });
    expect(r.objectsFailed[0]!.error).toMatch(/aborted|short|closed|ECONNRESET/i);
    expect(settled(r)).toBe(keys.length - 1);
    // a failed fetch is not a file: no ledger row, no reject, and the summary names it
    expect(await count(store, 'ingested_files', `location = 's3://${BUCKET}/${key}'`)).toBe(0);
    expect(await count(store, 'rejects')).toBe(0);
    expect(
      await count(store, 'fetch_failures', `location = 's3://${BUCKET}/${key}' and resolved_at is null`),
    ).toBe(1);
    expect(await coverageError(store, key)).toContain(fileName(key));
    expect(formatS3Summary(r)).toContain(key);

    // the same run again, still failing: the folder stays in error
    const again = await ingestS3(store, s3.client, options());
    expect(again.objectsFailed).toHaveLength(1);
    expect(await coverageError(store, key)).toContain(fileName(key));

    s3.setFaults([]);
    const before = new Map(s3.requests.gets);
    const healed = await ingestS3(store, s3.client, options());
    expect(healed.objectsFailed).toEqual([]);
    expect(healed.loaded).toBe(1);
    expect(healed.refetched).toBe(1);
    const fetched = [...s3.requests.gets].filter(([k, n]) => n !== (before.get(k) ?? 0)).map(([k]) => k);
    expect(fetched).toEqual([key]);
    expect(await eventIds(store)).toEqual(baseline);
    expect(await coverageError(store, key)).toBeNull();
    expect(
      await count(store, 'fetch_failures', `location = 's3://${BUCKET}/${key}' and resolved_at is not null`),
    ).toBe(1);
  });

  it('retries a corrupt body (same length, a byte flipped) and loads the good copy', async () => {
    const key = victim(1);
    const s3 = await server([{ match: fileName(key), times: 1, fault: { kind: 'flip' } }]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(s3.requests.fired[0]).toBe(1);
    expect(r.objectsFailed).toEqual([]);
    expect(r.rejectedFiles).toBe(0);
    expect(await eventIds(store)).toEqual(baseline);
  });

  it('records a body corrupt on every attempt as a failed fetch, not a rejected file, and fetches it next run', async () => {
    const key = victim(1);
    const s3 = await server([{ match: fileName(key), fault: { kind: 'flip' } }]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(r.objectsFailed.map((f) => f.key)).toEqual([key]);
    expect(r.objectsFailed[0]!.error).toMatch(/^TransferError|body MD5 [0-9a-f]{32} differs from the ETag/);
    // a proxy that flips the same byte every time looks like a store whose ETags are not MD5s
    expect(r.objectsFailed[0]!.error).toMatch(/same body came back on all 3 tries/);
    expect(r.rejectedFiles).toBe(0);
    expect(await count(store, 'rejects')).toBe(0);
    expect(await count(store, 'ingested_files', `location = 's3://${BUCKET}/${key}'`)).toBe(0);
    expect(await coverageError(store, key)).toContain(fileName(key));
    s3.setFaults([]);
    const healed = await ingestS3(store, s3.client, options());
    expect(healed.loaded).toBe(1);
    expect(await eventIds(store)).toEqual(baseline);
    expect(await coverageError(store, key)).toBeNull();
  });

  it('gives up on a GET that never answers, or stalls mid-body, while every other object loads', async () => {
    const hung = victim(0);
    const stalled = victim(2);
    const s3 = await server([
      { match: fileName(hung), fault: { kind: 'hang' } },
      { match: fileName(stalled), fault: { kind: 'stall', afterBytes: 30 } },
    ]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options({ fetch: { ...FAST, idleTimeoutMs: 500 } }));
    expect(r.objectsFailed.map((f) => f.key).sort()).toEqual([hung, stalled].sort());
    for (const f of r.objectsFailed) expect(f.error).toMatch(/no data for 500 ms/);
    expect(settled(r)).toBe(keys.length - 2);
    expect(await coverageError(store, hung)).toContain(fileName(hung));
  });

  it('retries a listing page that never answers', async () => {
    const s3 = await server([
      { on: 'list', match: '/CloudTrail/eu-west-1/', times: 1, fault: { kind: 'hang' } },
    ]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options({ fetch: { ...FAST, idleTimeoutMs: 500 } }));
    expect(s3.requests.fired[0]).toBe(1);
    expect(r.unitsFailed).toEqual([]);
    expect(await eventIds(store)).toEqual(baseline);
  });

  it('retries SlowDown per object, and records an object throttled on every try', async () => {
    const once = victim(3);
    const always = victim(4);
    const s3 = await server([
      { match: fileName(once), times: 2, fault: { kind: 'slowdown' } },
      { match: fileName(always), fault: { kind: 'slowdown' } },
    ]);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(s3.getsOf(fileName(once))).toBe(3);
    expect(s3.getsOf(fileName(always))).toBe(FAST.attempts);
    expect(r.objectsFailed.map((f) => f.key)).toEqual([always]);
    expect(r.objectsFailed[0]!.error).toMatch(/SlowDown \(HTTP 503\)/);
    expect(settled(r)).toBe(keys.length - 1);
  });

  it('retries SlowDown per object after the SDK has used its own attempts', async () => {
    const key = victim(3);
    // a client that tries 3 times per call (the default elsewhere): the fourth and fifth answers
    // are this loop's second call
    const s3 = await server([{ match: fileName(key), times: 4, fault: { kind: 'slowdown' } }], {
      maxAttempts: 3,
    });
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(s3.getsOf(fileName(key))).toBe(5);
    expect(r.objectsFailed).toEqual([]);
    expect(await eventIds(store)).toEqual(baseline);
  });

  it('stops on an interrupt mid-download: committed work stays, the spool goes, a re-run completes', async () => {
    const hung = victim();
    const s3 = await server([{ match: fileName(hung), fault: { kind: 'hang' } }]);
    const dir = tempDir('copytrail-faults-db-');
    const db = join(dir, 'trail.duckdb');
    const store = await Store.open({ path: db, memoryLimit: '1GB' });
    try {
      const abort = new AbortController();
      s3.onGet(fileName(hung), () => abort.abort());
      // no idle timeout to save it: only the interrupt can end the hung GET
      const first = await ingestS3(
        store,
        s3.client,
        options({ spoolDir: undefined, signal: abort.signal, fetch: { ...FAST, idleTimeoutMs: 600_000 } }),
      );
      expect(first.interrupted).toBe(true);
      expect(first.objectsFailed).toEqual([]);
      expect(first.notFetched).toBeGreaterThan(0);
      expect(settled(first) + first.notFetched).toBe(keys.length);
      expect(await count(store, 'ingested_files')).toBe(settled(first));
      expect(await count(store, 'fetch_failures')).toBe(0);
      // the folders it did not finish say so until a run loads them
      expect(await coverageError(store, hung)).toMatch(/not fetched/);
      expect(existsSync(`${db}.spool`)).toBe(false);

      s3.setFaults([]);
      const second = await ingestS3(store, s3.client, options({ spoolDir: undefined }));
      expect(second.interrupted).toBe(false);
      expect(settled(second)).toBe(first.notFetched);
      expect(second.alreadyLoaded).toBe(first.loaded);
      expect(second.previouslyDuplicate).toBe(first.duplicateFiles);
      expect(await eventIds(store)).toEqual(baseline);
      expect(await coverageError(store, hung)).toBeNull();
    } finally {
      store.close();
    }
  });

  it('exits 143 on SIGTERM with no terminal, saying on stderr what was saved and what is left', async () => {
    const hung = victim();
    const s3 = await server([{ match: fileName(hung), fault: { kind: 'hang' } }]);
    const dir = tempDir('copytrail-faults-cli-');
    const db = join(dir, 'cli.duckdb');
    const { child, ended } = ingestChild(db, s3.endpoint);
    s3.onGet(fileName(hung), () => child.kill('SIGTERM'));
    const { code: status, stderr } = await ended;
    expect(stderr).toMatch(/SIGTERM/);
    expect(stderr).toMatch(/saved: \d+ files loaded, \d+ new events/);
    expect(stderr).toMatch(/left to fetch: [1-9]\d* objects/);
    expect(status).toBe(143);
    expect(existsSync(`${db}.spool`)).toBe(false);
    s3.setFaults([]);
    const store = await Store.open({ path: db, memoryLimit: '1GB' });
    try {
      await ingestS3(store, s3.client, options({ spoolDir: undefined }));
      expect(await eventIds(store)).toEqual(baseline);
    } finally {
      store.close();
    }
  });

  it('leaves a database that opens after a kill -9 during its very first run', async () => {
    const s3 = await server([]);
    const db = join(tempDir('copytrail-faults-cli-'), 'first.duckdb');
    const { child, ended } = ingestChild(db, s3.endpoint);
    s3.afterGets(1, () => child.kill('SIGKILL'));
    const { signal } = await ended;
    expect(signal).toBe('SIGKILL');
    const store = await Store.open({ path: db, memoryLimit: '1GB' });
    try {
      // the folders it listed say they are not loaded yet, rather than reading as complete
      expect(await coverageError(store, victim())).toMatch(/not loaded yet/);
      await ingestS3(store, s3.client, options({ spoolDir: undefined }));
      expect(await eventIds(store)).toEqual(baseline);
      expect(await coverageError(store, victim())).toBeNull();
    } finally {
      store.close();
    }
  });

  it('exits 1 and names the object when a fetch failed, after loading everything else', async () => {
    const key = victim();
    const s3 = await server([{ match: fileName(key), fault: { kind: 'cut', afterBytes: 10 } }]);
    const db = join(tempDir('copytrail-faults-cli-'), 'cli.duckdb');
    const { code: status, stdout } = await ingestChild(db, s3.endpoint).ended;
    expect(status).toBe(1);
    expect(stdout).toContain(key);
    expect(stdout).toContain(`${keys.length} objects`);
    expect(stdout).toContain('could not fetch 1 object(s)');
  });
});

describe('ingest s3 spool', () => {
  it('keeps one spool per database beside it, removes a stale one, and leaves nothing behind', async () => {
    const s3 = await startS3(BUCKET);
    try {
      await upload(s3);
      const dir = tempDir('copytrail-spool-db-');
      const a = join(dir, 'a.duckdb');
      const b = join(dir, 'b.duckdb');
      // what a kill -9 leaves: a run folder with a half-written batch
      mkdirSync(join(`${a}.spool`, 'run-stale'), { recursive: true });
      writeFileSync(join(`${a}.spool`, 'run-stale', 'batch-0.events.ndjson'), 'x'.repeat(1000));
      const store = await Store.open({ path: a, memoryLimit: '1GB' });
      const seen: string[][] = [];
      try {
        await ingestS3(store, s3.client, options({ spoolDir: undefined }), {
          start() {},
          tick() {
            if (seen.length === 0) seen.push(readdirSync(`${a}.spool`));
          },
          stop() {},
        });
      } finally {
        store.close();
      }
      expect(seen[0]).toHaveLength(1);
      expect(seen[0]![0]).toMatch(/^run-/);
      expect(seen[0]![0]).not.toBe('run-stale');
      expect(existsSync(`${a}.spool`)).toBe(false);
      expect(existsSync(`${b}.spool`)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(['a.duckdb']);
    } finally {
      await s3.stop();
    }
  });

  it('removes the spool, a stale one included, when the run fails', async () => {
    const s3 = await startS3(BUCKET);
    try {
      const dir = tempDir('copytrail-spool-db-');
      const db = join(dir, 'c.duckdb');
      mkdirSync(join(`${db}.spool`, 'run-stale'), { recursive: true });
      const store = await Store.open({ path: db, memoryLimit: '1GB' });
      try {
        // an empty bucket: discovery finds no AWSLogs/ and the run fails
        await expect(ingestS3(store, s3.client, options({ spoolDir: undefined }))).rejects.toThrow(
          /no CloudTrail folders/,
        );
      } finally {
        store.close();
      }
      expect(existsSync(`${db}.spool`)).toBe(false);
    } finally {
      await s3.stop();
    }
  });
});
