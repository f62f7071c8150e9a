// Throughput under faults: 2,000 small objects through a clean proxy, then through one answering 5%
// of GETs with 503 SlowDown and delaying a few. Per-object retries keep at least half the clean
// rate; adaptive retry mode (printed, not asserted) slows the whole client instead.

import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../core/time.ts';
import { ingestS3, type S3IngestResult } from '../../ingest/s3.ts';
import { Store } from '../../queries/store.ts';
import { type FaultRule, type S3Fixture, startS3 } from '../s3-server.ts';

const BUCKET = 'e2e-trail';
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-southeast-2'];
const PER_FOLDER = 100; // 4 x 5 x 100 = 2,000 objects in one day
const FAULTS: FaultRule[] = [
  { probability: 0.05, fault: { kind: 'slowdown' } },
  { probability: 0.005, fault: { kind: 'delay', ms: 1_500 } },
];

let seq = 0;
function body(account: string, region: string): Buffer {
  const records = [0, 1].map(() => {
    seq++;
    return {
      eventVersion: '1.11',
      eventID: `20000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      eventTime: `2026-03-01T${String(seq % 24).padStart(2, '0')}:00:00Z`,
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      awsRegion: region,
      recipientAccountId: account,
    };
  });
  return gzipSync(JSON.stringify({ Records: records }));
}

const objects: { key: string; body: Buffer }[] = [];
for (const a of ACCOUNTS)
  for (const r of REGIONS)
    for (let n = 0; n < PER_FOLDER; n++) {
      const key = `AWSLogs/${a}/CloudTrail/${r}/2026/03/01/${a}_CloudTrail_${r}_20260301T${String(n % 24).padStart(2, '0')}00Z_${String(n).padStart(16, '0')}.json.gz`;
      objects.push({ key, body: body(a, r) });
    }

async function serve(faults: FaultRule[]): Promise<S3Fixture> {
  const s3 = await startS3(BUCKET, { faults, seed: 2026 });
  for (let i = 0; i < objects.length; i += 64) {
    await Promise.all(objects.slice(i, i + 64).map((o) => s3.put(BUCKET, o.key, o.body)));
  }
  return s3;
}

async function timed(
  s3: S3Fixture,
  client = s3.client,
  accounts?: string[],
): Promise<{ r: S3IngestResult; rate: number }> {
  const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
  try {
    const started = performance.now();
    const r = await ingestS3(store, client, {
      bucket: BUCKET,
      range: parseRange('2026-03-01', '2026-03-02'),
      digests: false,
      accounts,
    });
    const seconds = (performance.now() - started) / 1000;
    return { r, rate: (r.loaded + r.objectsFailed.length) / seconds };
  } finally {
    store.close();
  }
}

describe('ingest s3 throughput under faults', () => {
  let clean: S3Fixture;
  let faulty: S3Fixture;
  beforeAll(async () => {
    clean = await serve([]);
    faulty = await serve(FAULTS);
  });
  afterAll(async () => {
    await clean?.stop();
    await faulty?.stop();
  });

  it('keeps at least half the clean rate with 5% SlowDown and a few slow answers', async () => {
    await timed(clean); // warm-up: JIT, DuckDB, sockets
    const a = await timed(clean);
    const b = await timed(faulty);
    expect(a.r.loaded).toBe(objects.length);
    expect(b.r.loaded).toBe(objects.length);
    expect(b.r.objectsFailed).toEqual([]);
    const throttled = faulty.requests.fired[0]!;
    const slow = faulty.requests.fired[1]!;
    console.log(
      `clean: ${a.rate.toFixed(0)} objects/s; faulty (${throttled} SlowDown, ${slow} answers delayed 1.5 s, ${b.r.retried} objects retried): ${b.rate.toFixed(0)} objects/s; ratio ${(b.rate / a.rate).toFixed(2)}`,
    );
    expect(throttled).toBeGreaterThan(objects.length * 0.03);
    expect(b.rate / a.rate).toBeGreaterThanOrEqual(0.5);
  });

  it('shows what adaptive retry mode does to the same faults (one account, printed only)', async () => {
    const adaptive = new S3Client({
      region: 'us-east-1',
      endpoint: faulty.endpoint,
      forcePathStyle: true,
      maxAttempts: 8,
      retryMode: 'adaptive',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      const standard = await timed(faulty, faulty.client, [ACCOUNTS[0]!]);
      const slowed = await timed(faulty, adaptive, [ACCOUNTS[0]!]);
      console.log(
        `one account (${standard.r.loaded} objects) through the faulty proxy: standard mode + per-object retries ${standard.rate.toFixed(0)} objects/s, adaptive mode ${slowed.rate.toFixed(0)} objects/s`,
      );
      expect(slowed.r.loaded).toBe(standard.r.loaded);
    } finally {
      adaptive.destroy();
    }
  });
});
