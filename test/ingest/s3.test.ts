// ingest s3 over real HTTP against a local S3 server (fauxqs): discovery, filters, pagination,
// resume after an interruption, a corrupt object, re-run counts, AccessDenied on one prefix and
// 503 retries. Transfer faults (cut, corrupt, hung bodies) are in test/e2e/s3-fault-cases.e2e.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRange } from '../../core/time.ts';
import { ingestS3, type S3IngestOptions } from '../../ingest/s3.ts';
import { formatS3Summary } from '../../ingest/summary.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';
import { type S3Fixture, startS3 } from '../s3-server.ts';

const BUCKET = 'org-trail';
const ORG = 'o-test123456';
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-west-2', 'ap-southeast-2'];
const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];
const FILES_PER_UNIT = 3;
const BIG_UNIT = { account: '111111111111', region: 'us-east-1', day: '2026-03-02', files: 1050 };

let seq = 0;
function record(account: string, region: string, day: string) {
  seq++;
  return {
    eventVersion: '1.11',
    eventID: `10000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    eventTime: `${day}T${String(seq % 24).padStart(2, '0')}:00:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: region,
    recipientAccountId: account,
    userIdentity: { type: 'IAMUser', accountId: account },
  };
}

function key(account: string, region: string, day: string, n: number, prefix = 'trails') {
  const [y, m, d] = day.split('-');
  return `${prefix}/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${y}/${m}/${d}/${account}_CloudTrail_${region}_${y}${m}${d}T${String(n % 24).padStart(2, '0')}00Z_${String(n).padStart(16, '0')}.json.gz`;
}

/** Uploads the fixture trail; returns how many records it holds per account. */
async function uploadTrail(s3: S3Fixture): Promise<Map<string, number>> {
  const perAccount = new Map<string, number>();
  const puts: Promise<void>[] = [];
  const add = (account: string, region: string, day: string, n: number) => {
    const recs = [record(account, region, day), record(account, region, day)];
    perAccount.set(account, (perAccount.get(account) ?? 0) + recs.length);
    puts.push(s3.put(BUCKET, key(account, region, day, n), gzipSync(JSON.stringify({ Records: recs }))));
  };
  for (const a of ACCOUNTS)
    for (const r of REGIONS) for (const d of DAYS) for (let n = 0; n < FILES_PER_UNIT; n++) add(a, r, d, n);
  for (let n = FILES_PER_UNIT; n < BIG_UNIT.files; n++)
    add(BIG_UNIT.account, BIG_UNIT.region, BIG_UNIT.day, n);
  await Promise.all(puts);
  return perAccount;
}

const TOTAL_FILES =
  ACCOUNTS.length * REGIONS.length * DAYS.length * FILES_PER_UNIT + BIG_UNIT.files - FILES_PER_UNIT;

describe('ingest s3', () => {
  const fixtures: S3Fixture[] = [];
  afterEach(async () => {
    while (fixtures.length) await fixtures.pop()!.stop();
  });
  async function server(rules = {}) {
    const s3 = await startS3(BUCKET, rules);
    fixtures.push(s3);
    return s3;
  }
  const options = (over: Partial<S3IngestOptions> = {}): S3IngestOptions => ({
    bucket: BUCKET,
    prefix: 'trails',
    range: parseRange('2026-03-01', '2026-03-04'),
    spoolDir: tempDir('copytrail-spool-'),
    ...over,
  });

  it('discovers the organization layout and loads every account, region and day, across pages', async () => {
    const s3 = await server();
    await uploadTrail(s3);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options());
    expect(r.unitsFailed).toEqual([]);
    expect(r.objectsListed).toBe(TOTAL_FILES);
    expect(r.loaded).toBe(TOTAL_FILES);
    expect(r.eventsNew).toBe(TOTAL_FILES * 2);
    // coverage: one row per account x region x listed day (plus the padding days, listed empty)
    expect(await count(store, 'ingest_coverage', "source = 's3' and files > 0")).toBe(
      ACCOUNTS.length * REGIONS.length * DAYS.length,
    );
    expect(
      await count(
        store,
        'ingest_coverage',
        `account_id = '${BIG_UNIT.account}' and region = '${BIG_UNIT.region}' and window_start = '${BIG_UNIT.day}' and files = ${BIG_UNIT.files}`,
      ),
    ).toBe(1);
    expect(
      await count(
        store,
        'ingested_files',
        "etag is not null and location like 's3://org-trail/trails/AWSLogs/o-test123456/%'",
      ),
    ).toBe(TOTAL_FILES);
    // a second run lists again but downloads nothing
    const before = s3.requests.count;
    const again = await ingestS3(store, s3.client, options());
    expect(again.eventsNew).toBe(0);
    expect(again.skipped).toBe(TOTAL_FILES);
    const listCalls = s3.requests.count - before;
    expect(listCalls).toBeLessThan(100); // listings only, no GetObject
  });

  it('filters by account, region and date, listing only the day folders in range (padded a day)', async () => {
    const s3 = await server();
    await uploadTrail(s3);
    const store = await memoryStore();
    const r = await ingestS3(
      store,
      s3.client,
      options({
        accounts: ['222222222222'],
        regions: ['eu-west-2'],
        range: parseRange('2026-03-03T00:00:00Z', '2026-03-03T06:00:00Z'),
      }),
    );
    // 2026-03-02 .. 2026-03-04 listed; files exist on the 2nd and 3rd
    expect(r.units).toBe(3);
    expect(r.loaded).toBe(2 * FILES_PER_UNIT);
    expect(
      await count(store, 'events', "recipient_account_id <> '222222222222' or aws_region <> 'eu-west-2'"),
    ).toBe(0);
    const wrongOrg = ingestS3(store, s3.client, options({ orgId: 'o-otherorg12' }));
    await expect(wrongOrg).rejects.toThrow(
      /no CloudTrail folders under s3:\/\/org-trail\/trails\/AWSLogs\/ for o-otherorg12/,
    );
  });

  it('lists a wide range month by month: only day folders that exist are listed, the others are covered as empty', async () => {
    const s3 = await server();
    await uploadTrail(s3);
    const store = await memoryStore();
    const account = '333333333333';
    const r = await ingestS3(
      store,
      s3.client,
      options({ accounts: [account], range: parseRange('2026-02-20', '2026-03-20') }),
    );
    expect(r.unitsFailed).toEqual([]);
    expect(r.loaded).toBe(REGIONS.length * DAYS.length * FILES_PER_UNIT);
    const dayLists = s3.requests.lists.filter((p) => /\/\d{4}\/\d{2}\/\d{2}\/$/.test(p));
    const monthLists = s3.requests.lists.filter((p) => /\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/$/.test(p));
    // February and March of each region; then only the three days that hold files
    expect(monthLists).toHaveLength(REGIONS.length * 2);
    expect(dayLists.sort()).toEqual(
      REGIONS.flatMap((region) =>
        DAYS.map((d) => `trails/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${d.replaceAll('-', '/')}/`),
      ).sort(),
    );
    // every day in range has its coverage row: the empty ones with no files and no error
    expect(r.units).toBe(REGIONS.length * 30); // Feb 19 to Mar 20, padded a day
    expect(await count(store, 'ingest_coverage', `account_id = '${account}' and error is null`)).toBe(
      r.units,
    );
    expect(await count(store, 'ingest_coverage', `account_id = '${account}' and files > 0`)).toBe(
      REGIONS.length * DAYS.length,
    );
    expect(
      await count(store, 'ingest_coverage', `account_id = '${account}' and window_start = '2026-03-10'`),
    ).toBe(REGIONS.length);
  });

  it('lists a month day by day when the month folder cannot be listed', async () => {
    const account = '333333333333';
    const month = `/${account}/CloudTrail/eu-west-1/2026/03/`;
    const s3 = await server({
      faults: [
        { on: 'list', match: month, times: 1, fault: { kind: 'status', status: 403, code: 'AccessDenied' } },
      ],
    });
    await uploadTrail(s3);
    const store = await memoryStore();
    const r = await ingestS3(
      store,
      s3.client,
      options({ accounts: [account], regions: ['eu-west-1'], range: parseRange('2026-03-01', '2026-03-10') }),
    );
    expect(s3.requests.fired).toEqual([1]);
    expect(r.unitsFailed).toEqual([]);
    expect(r.loaded).toBe(DAYS.length * FILES_PER_UNIT);
    // the month's days, each listed on its own (the range padded a day: Feb 28 is in February)
    const dayLists = s3.requests.lists.filter(
      (p) => p.includes(month) && p.length > p.indexOf(month) + month.length,
    );
    expect(dayLists).toHaveLength(r.units - 1);
    expect(await count(store, 'ingest_coverage', `account_id = '${account}' and error is null`)).toBe(
      r.units,
    );
  });

  it('resumes an interrupted run with nothing lost and nothing loaded twice', async () => {
    const s3 = await server();
    await uploadTrail(s3);
    const store = await memoryStore();
    const abort = new AbortController();
    const spoolDir = tempDir('copytrail-spool-');
    let files = 0;
    const first = await ingestS3(store, s3.client, options({ spoolDir, signal: abort.signal }), {
      start() {},
      tick() {
        if (++files === 300) abort.abort();
      },
      stop() {},
    });
    expect(first.interrupted).toBe(true);
    expect(first.loaded).toBeGreaterThan(0);
    expect(first.loaded).toBeLessThan(TOTAL_FILES);
    const second = await ingestS3(store, s3.client, options({ spoolDir }));
    expect(second.interrupted).toBe(false);
    expect(first.loaded + second.loaded).toBe(TOTAL_FILES);
    expect(await count(store, 'events')).toBe(TOTAL_FILES * 2);
    expect(await count(store, 'ingested_files')).toBe(TOTAL_FILES);
  });

  it('quarantines a corrupt object and loads its neighbours', async () => {
    const s3 = await server();
    await uploadTrail(s3);
    const bad = key('333333333333', 'eu-west-1', '2026-03-01', 99);
    await s3.put(BUCKET, bad, Buffer.from('this is not gzip'));
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options({ accounts: ['333333333333'] }));
    expect(r.rejectedFiles).toBe(1);
    expect(r.eventsNew).toBe(REGIONS.length * DAYS.length * FILES_PER_UNIT * 2);
    const { rows } = await store.userQuery('select location, reason from rejects');
    expect(rows).toEqual([
      { location: `s3://${BUCKET}/${bad}`, reason: 'not JSON: expected an object or an array' },
    ]);
  });

  it('counts a re-run by what the ledger holds, and keeps a rejected file named in its coverage', async () => {
    const s3 = await server();
    await uploadTrail(s3);
    const bad = key('333333333333', 'eu-west-1', '2026-03-01', 99);
    await s3.put(BUCKET, bad, Buffer.from('this is not gzip'));
    // the same content under a second name: loaded once, the copy is a duplicate
    const twin = key('333333333333', 'eu-west-1', '2026-03-01', 98);
    const original = gzipSync(
      JSON.stringify({ Records: [record('333333333333', 'eu-west-1', '2026-03-01')] }),
    );
    await s3.put(BUCKET, key('333333333333', 'eu-west-1', '2026-03-01', 97), original);
    await s3.put(BUCKET, twin, original);
    const store = await memoryStore();
    const opts = options({ accounts: ['333333333333'] });
    const first = await ingestS3(store, s3.client, opts);
    expect(first.rejectedFiles).toBe(1);
    expect(first.duplicateFiles).toBe(1);
    const folderError = async () => {
      const { rows } = await store.userQuery(
        "select error from ingest_coverage where account_id = '333333333333' and region = 'eu-west-1' and window_start = '2026-03-01'",
      );
      return String(rows[0]!.error);
    };
    expect(await folderError()).toContain(bad);

    const again = await ingestS3(store, s3.client, opts);
    const files = REGIONS.length * DAYS.length * FILES_PER_UNIT + 3;
    expect(again.objectsListed).toBe(files);
    expect(again.alreadyLoaded).toBe(files - 2);
    expect(again.skipped).toBe(files - 2);
    expect(again.previouslyRejected).toBe(1);
    expect(again.previouslyDuplicate).toBe(1);
    expect(again.loaded + again.rejectedFiles + again.duplicateFiles).toBe(0);
    const text = formatS3Summary(again);
    expect(text).toContain(`${files - 2} already loaded`);
    expect(text).toContain('1 rejected by an earlier run and unchanged, 1 duplicate content seen earlier');
    // the hole is still there, so coverage still says so
    expect(await folderError()).toContain(bad);
  });

  it('records AccessDenied on one prefix in coverage and reads the rest; retries 503 SlowDown', async () => {
    const denied = `/${ORG}/222222222222/CloudTrail/eu-west-1/2026/03/02/`;
    const s3 = await server({ deny: [denied], throttleFirst: 3 });
    await uploadTrail(s3);
    const store = await memoryStore();
    const r = await ingestS3(store, s3.client, options({ accounts: ['222222222222'] }));
    expect(s3.requests.throttled).toBe(3);
    expect(r.unitsFailed).toHaveLength(1);
    expect(r.unitsFailed[0]!.error).toMatch(/AccessDenied/);
    expect(r.loaded).toBe((REGIONS.length * DAYS.length - 1) * FILES_PER_UNIT);
    const { rows } = await store.userQuery(
      "select error from ingest_coverage where account_id = '222222222222' and region = 'eu-west-1' and window_start = '2026-03-02'",
    );
    expect(String(rows[0]!.error)).toMatch(/AccessDenied/);
  });
});

describe('ingest s3 spool', () => {
  it('uses its own folder and leaves nothing behind after a complete run', async () => {
    const s3 = await startS3(BUCKET);
    try {
      await s3.put(
        BUCKET,
        key('111111111111', 'us-east-1', '2026-03-01', 1),
        gzipSync(JSON.stringify({ Records: [record('111111111111', 'us-east-1', '2026-03-01')] })),
      );
      const spoolDir = mkdtempSync(join(tmpdir(), 'copytrail-spool-'));
      const store = await memoryStore();
      const r = await ingestS3(store, s3.client, {
        bucket: BUCKET,
        prefix: 'trails',
        range: parseRange('2026-03-01', '2026-03-02'),
        spoolDir,
      });
      expect(r.eventsNew).toBe(1);
      const { readdirSync } = await import('node:fs');
      const left = readdirSync(spoolDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(left).toEqual([]);
      rmSync(spoolDir, { recursive: true, force: true });
    } finally {
      await s3.stop();
    }
  });
});
