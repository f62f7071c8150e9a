// `ingest s3`: reads a trail bucket (account or organization layout) over the S3 API. It discovers
// accounts and regions from the key prefixes, lists only the day folders in range, downloads in
// parallel (a bounded window) and loads through the same batch loader as `ingest dir`, which stages
// each batch in a spool folder. The ledger (key + ETag) makes a re-run resume where a crash stopped.
import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Store } from '../queries/store.ts';
import { BatchLoader, type IngestSummary } from './loader.ts';
import { mapPool } from './pool.ts';
import { type Progress, silentProgress } from './progress.ts';
import { daysOf, type TimeRange } from './time-range.ts';

export class S3SourceError extends Error {
  override name = 'S3SourceError';
}

export interface S3IngestOptions {
  bucket: string;
  prefix?: string;
  orgId?: string;
  accounts?: string[];
  /** Region names, or undefined for every region found. */
  regions?: string[];
  range: TimeRange;
  /** Where batches are staged before loading (default: the system temp folder). */
  spoolDir?: string;
  concurrency?: number;
  /** Also read CloudTrail-Digest/ folders, so `verify` can check what was ingested (default true). */
  digests?: boolean;
  signal?: AbortSignal;
}

export interface S3ClientOptions {
  endpointUrl?: string;
  region?: string;
}

export interface S3IngestResult extends IngestSummary {
  units: number;
  unitsFailed: { prefix: string; error: string }[];
  objectsListed: number;
  interrupted: boolean;
}

/** An S3 client on the SDK's default credential chain; path-style when pointed at another endpoint. */
export function makeS3Client(opts: S3ClientOptions): S3Client {
  return new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl, forcePathStyle: true } : {}),
    followRegionRedirects: true,
    // throttling (503 SlowDown) and 5xx are retried with backoff by the SDK itself
    maxAttempts: 8,
    retryMode: 'adaptive',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

interface Unit {
  account: string;
  region: string;
  day: string;
  prefix: string;
  folder: 'CloudTrail' | 'CloudTrail-Digest';
}

interface Listed {
  key: string;
  size: number;
  etag: string;
}

const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{10,32}$/;

function describeError(err: unknown): string {
  if (err instanceof S3ServiceException)
    return `${err.name} (HTTP ${err.$metadata.httpStatusCode ?? '?'}): ${err.message}`;
  return (err as Error).message;
}

export async function ingestS3(
  store: Store,
  client: S3Client,
  opts: S3IngestOptions,
  progress: Progress = silentProgress,
): Promise<S3IngestResult> {
  const base = opts.prefix ? `${opts.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const listPrefixes = async (prefix: string): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: opts.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice(prefix.length, -1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  };
  const listObjects = async (prefix: string): Promise<Listed[]> => {
    const out: Listed[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key && !o.Key.endsWith('/'))
          out.push({ key: o.Key, size: o.Size ?? 0, etag: (o.ETag ?? '').replaceAll('"', '') });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  };

  // discovery: AWSLogs/<account>/… and AWSLogs/<o-id>/<account>/…
  const root = `${base}AWSLogs/`;
  let top: string[];
  try {
    top = await listPrefixes(root);
  } catch (cause) {
    throw new S3SourceError(`cannot list s3://${opts.bucket}/${root}: ${describeError(cause)}`, { cause });
  }
  const accountRoots: { account: string; prefix: string }[] = [];
  for (const name of top) {
    if (ACCOUNT.test(name) && !opts.orgId) accountRoots.push({ account: name, prefix: `${root}${name}/` });
    if (ORG.test(name) && (!opts.orgId || opts.orgId === name)) {
      for (const acct of await listPrefixes(`${root}${name}/`)) {
        if (ACCOUNT.test(acct)) accountRoots.push({ account: acct, prefix: `${root}${name}/${acct}/` });
      }
    }
  }
  if (accountRoots.length === 0) {
    throw new S3SourceError(
      `no CloudTrail folders under s3://${opts.bucket}/${root}${opts.orgId ? ` for ${opts.orgId}` : ''}: check --bucket, --prefix and --org-id`,
    );
  }
  const wanted = accountRoots.filter((a) => !opts.accounts || opts.accounts.includes(a.account));
  const days = daysOf(opts.range, 1);
  const units: Unit[] = [];
  const failed: { prefix: string; error: string }[] = [];
  for (const a of wanted) {
    const folders =
      opts.digests === false ? (['CloudTrail'] as const) : (['CloudTrail', 'CloudTrail-Digest'] as const);
    for (const folder of folders) {
      let regions: string[];
      try {
        regions = await listPrefixes(`${a.prefix}${folder}/`);
      } catch (err) {
        failed.push({ prefix: `${a.prefix}${folder}/`, error: describeError(err) });
        continue;
      }
      for (const region of regions) {
        if (opts.regions && !opts.regions.includes(region)) continue;
        for (const day of days) {
          units.push({
            account: a.account,
            region,
            day,
            folder,
            prefix: `${a.prefix}${folder}/${region}/${day.replaceAll('-', '/')}/`,
          });
        }
      }
    }
  }

  // list every unit; a denied or failing prefix is recorded and the rest goes on
  const listed = await mapPool(units, opts.concurrency ?? 16, async (u) => {
    try {
      return { unit: u, objects: await listObjects(u.prefix), error: null as string | null };
    } catch (err) {
      return { unit: u, objects: [] as Listed[], error: describeError(err) };
    }
  });
  for (const l of listed) {
    if (l.error) failed.push({ prefix: l.unit.prefix, error: l.error });
    if (l.unit.folder !== 'CloudTrail') continue;
    await store.run('ingest/upsert_listing_coverage', {
      source: 's3',
      account: l.unit.account,
      region: l.unit.region,
      day: l.unit.day,
      files: l.objects.length,
      error: l.error,
    });
  }

  const loader = await BatchLoader.create(store, {
    source: 's3',
    eventCoverage: false,
    spoolDir: opts.spoolDir,
    onFileDone: () => progress.tick(),
  });
  const todo = listed
    .flatMap((l) => l.objects)
    .filter((o) => !loader.isKnown(`s3://${opts.bucket}/${o.key}`, o.size, o.etag));
  const objectsListed = listed.reduce((n, l) => n + l.objects.length, 0);
  progress.start(todo.length, 'objects');
  // objects are held in memory only inside the download window; batches are spooled to disk by
  // the loader. After a crash the ledger says what is committed and the rest is fetched again.
  const download = async (o: Listed): Promise<{ bytes: Buffer; signature: string | null }> => {
    const res = await client.send(
      new GetObjectCommand({ Bucket: opts.bucket, Key: o.key, IfMatch: o.etag ? `"${o.etag}"` : undefined }),
    );
    const bytes = Buffer.from(await res.Body!.transformToByteArray());
    // a digest's signature travels in its object metadata (x-amz-meta-signature)
    return { bytes, signature: res.Metadata?.signature ?? null };
  };
  let interrupted = false;
  // a sliding window: `concurrency` downloads always in flight, handed to the loader in key order
  const downloadSafe = async (o: Listed) => {
    try {
      return { o, body: await download(o), error: null as string | null };
    } catch (err) {
      return { o, body: null, error: describeError(err) };
    }
  };
  const window = opts.concurrency ?? 16;
  const inflight: ReturnType<typeof downloadSafe>[] = [];
  let next = 0;
  const startNext = () => {
    if (next < todo.length && !opts.signal?.aborted) inflight.push(downloadSafe(todo[next++]!));
  };
  try {
    for (let k = 0; k < window; k++) startNext();
    while (inflight.length > 0) {
      const got = await inflight.shift()!;
      startNext();
      if (!got.body) {
        failed.push({ prefix: got.o.key, error: got.error! });
        progress.tick();
        continue;
      }
      const body = got.body;
      await loader.add({
        location: `s3://${opts.bucket}/${got.o.key}`,
        size: got.o.size,
        etag: got.o.etag,
        read: async () => body.bytes,
        signature: async () => body.signature,
      });
    }
    interrupted = next < todo.length;
    const summary = await loader.finish();
    await store.run('ingest/s3_coverage_events');
    const known = objectsListed - todo.length;
    return {
      ...summary,
      files: summary.files + known,
      skipped: summary.skipped + known,
      units: units.length,
      unitsFailed: failed,
      objectsListed,
      interrupted,
    };
  } catch (err) {
    loader.abort();
    throw err;
  } finally {
    progress.stop();
  }
}
