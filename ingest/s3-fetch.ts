// Downloads one S3 object and proves it arrived whole (listed size, Content-Length, MD5 where the
// ETag is one), with an idle watchdog on every try. A damaged or silent transfer is retried with
// backoff, alone; an interrupt aborts the request in flight at once.
import { createHash } from 'node:crypto';
import { addAbortSignal, Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Gate } from './pool.ts';
import { type BackoffPolicy, Interrupted, retryTransient } from './retry.ts';
import { describeError, isTransientS3, TransferError } from './s3-errors.ts';

export interface FetchPolicy extends BackoffPolicy {
  /** An attempt fails when no byte arrives for this long (headers included). */
  idleTimeoutMs: number;
  /** Larger objects are not read (everything is held in memory until its batch is spooled). */
  maxObjectBytes: number;
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  attempts: 6,
  backoffBaseMs: 200,
  backoffMaxMs: 10_000,
  idleTimeoutMs: 30_000,
  // the most DuckDB's read_json is told to accept for one file
  maxObjectBytes: 512 * 1024 * 1024,
};

export interface ListedObject {
  key: string;
  size: number;
  /** Without quotes; '' when the listing gave none. */
  etag: string;
}

export type FetchOutcome =
  | { kind: 'ok'; bytes: Buffer; signature: string | null; attempts: number }
  | { kind: 'failed'; error: string; attempts: number }
  | { kind: 'interrupted' };

/**
 * Runs `fn` with a signal that aborts when `outer` does (then Interrupted is thrown) or when `fn`
 * has not called `progress()` for `idleMs` (then a TransferError is thrown, a transient failure).
 */
export async function withIdleTimeout<T>(
  idleMs: number,
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal, progress: () => void) => Promise<T>,
): Promise<T> {
  if (outer?.aborted) throw new Interrupted('interrupted');
  const ctl = new AbortController();
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      ctl.abort(new TransferError(`no data for ${idleMs} ms`));
    }, idleMs);
  };
  const onOuter = () => ctl.abort(new Interrupted('interrupted'));
  outer?.addEventListener('abort', onOuter, { once: true });
  progress();
  try {
    return await fn(ctl.signal, progress);
  } catch (err) {
    if (outer?.aborted) throw new Interrupted('interrupted', { cause: err });
    if (idle) throw new TransferError(`no data for ${idleMs} ms`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

/** An ETag is the body's MD5 only for a single-part upload stored plain or with SSE-S3 (AWS S3 docs). */
export function etagIsMd5(etag: string, serverSideEncryption?: string, customerKey?: boolean): boolean {
  if (!/^[0-9a-f]{32}$/i.test(etag)) return false; // multipart: "<md5 of part md5s>-<parts>"
  if (customerKey) return false;
  return serverSideEncryption === undefined || serverSideEncryption === 'AES256';
}

export interface Received {
  length: number;
  md5: string;
  contentLength?: number;
  serverSideEncryption?: string;
  customerKey?: boolean;
}

/** Why a received body is not the listed object, or null when it is. */
export function bodyProblem(o: ListedObject, got: Received): string | null {
  if (got.contentLength !== undefined && got.contentLength !== o.size)
    return `Content-Length ${got.contentLength} differs from the listed size ${o.size}`;
  if (got.length !== o.size)
    return `body ${got.length < o.size ? 'short' : 'long'}: ${got.length} of ${o.size} bytes`;
  if (etagIsMd5(o.etag, got.serverSideEncryption, got.customerKey) && got.md5 !== o.etag.toLowerCase())
    return `body MD5 ${got.md5} differs from the ETag ${o.etag}`;
  return null;
}

async function fetchOnce(
  client: S3Client,
  bucket: string,
  o: ListedObject,
  signal: AbortSignal,
  progress: () => void,
): Promise<{ bytes: Buffer; signature: string | null }> {
  const res = await client.send(
    // If-Match: the object listed is the object read, or S3 answers 412 and the next run lists again
    new GetObjectCommand({ Bucket: bucket, Key: o.key, IfMatch: o.etag ? `"${o.etag}"` : undefined }),
    { abortSignal: signal },
  );
  progress();
  const answered = (res.ETag ?? '').replaceAll('"', '');
  if (o.etag && answered && answered !== o.etag) {
    throw new Error(`the object changed since it was listed (ETag ${answered}, listed ${o.etag})`);
  }
  const body = res.Body;
  if (!(body instanceof Readable)) throw new TransferError('the answer has no readable body');
  if (res.ContentLength !== undefined && res.ContentLength !== o.size) {
    body.destroy();
    throw new TransferError(`Content-Length ${res.ContentLength} differs from the listed size ${o.size}`);
  }
  addAbortSignal(signal, body);
  const md5 = createHash('md5');
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      progress();
      length += chunk.length;
      // a body longer than listed is never buffered past the listed size
      if (length > o.size) {
        body.destroy();
        throw new TransferError(`body long: more than the listed ${o.size} bytes`);
      }
      md5.update(chunk);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof TransferError || signal.aborted) throw err;
    throw new TransferError(`body cut short after ${length} of ${o.size} bytes: ${describeError(err)}`, {
      cause: err,
    });
  }
  const md5sum = md5.digest('hex');
  const problem = bodyProblem(o, {
    length,
    md5: md5sum,
    contentLength: res.ContentLength,
    serverSideEncryption: res.ServerSideEncryption,
    customerKey: Boolean(res.SSECustomerAlgorithm),
  });
  if (problem) throw Object.assign(new TransferError(problem), { received: md5sum });
  // a digest's signature travels in its object metadata (x-amz-meta-signature)
  return { bytes: Buffer.concat(chunks, length), signature: res.Metadata?.signature ?? null };
}

/**
 * Fetches one listed object with retries; never throws. Each try passes `gate` (requests in flight);
 * the backoff between tries does not, so an object waiting out a SlowDown holds no place.
 */
export async function fetchObject(
  client: S3Client,
  bucket: string,
  o: ListedObject,
  policy: FetchPolicy,
  signal?: AbortSignal,
  gate: Gate = new Gate(1),
): Promise<FetchOutcome> {
  if (o.size > policy.maxObjectBytes) {
    return {
      kind: 'failed',
      error: `${o.size} bytes is more than the ${policy.maxObjectBytes} bytes one file may have`,
      attempts: 0,
    };
  }
  let attempts = 0;
  // the MD5 of each complete body that failed its check: always the same one means the store
  // sends these bytes every time, and its ETag is not their MD5 (some S3-compatible stores)
  const received: string[] = [];
  try {
    const got = await retryTransient(
      (attempt) => {
        attempts = attempt;
        // the idle clock starts inside the gate: waiting for a place is not silence from S3
        return gate
          .run(() =>
            withIdleTimeout(policy.idleTimeoutMs, signal, (s, progress) =>
              fetchOnce(client, bucket, o, s, progress),
            ),
          )
          .catch((err: unknown) => {
            const md5 = (err as { received?: string }).received;
            if (md5) received.push(md5);
            throw err;
          });
      },
      isTransientS3,
      policy,
      signal,
    );
    return { kind: 'ok', ...got, attempts };
  } catch (err) {
    if (err instanceof Interrupted || signal?.aborted) return { kind: 'interrupted' };
    const same =
      attempts > 1 && received.length === attempts && new Set(received).size === 1
        ? `; the same body came back on all ${attempts} tries, so the store's ETag may not be an MD5`
        : '';
    return { kind: 'failed', error: describeError(err) + same, attempts };
  }
}
