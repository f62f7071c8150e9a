// What went wrong talking to S3, in words an operator can act on, and which failures are worth
// another try: throttling, 5xx, timeouts, dropped connections and bodies that arrived damaged.
import { S3ServiceException } from '@aws-sdk/client-s3';
import { isThrottle } from './retry.ts';

export class S3SourceError extends Error {
  override name = 'S3SourceError';
}

/** A body that arrived short, long, corrupt, or not at all: the transfer failed, not the file. */
export class TransferError extends Error {
  override name = 'TransferError';
}

// Node and the SDK name a dropped or refused connection in several ways
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

export function describeError(err: unknown): string {
  if (err instanceof S3ServiceException)
    return `${err.name} (HTTP ${err.$metadata.httpStatusCode ?? '?'}): ${err.message}`;
  const e = err as Error & { code?: string };
  const text = e?.message ?? String(err);
  return e?.code && !text.includes(e.code) ? `${text} (${e.code})` : text;
}

/** True for failures a later try may not meet again; false for answers that will not change (403, 404, 412). */
export function isTransientS3(err: unknown): boolean {
  if (err instanceof TransferError) return true;
  if (isThrottle(err)) return true;
  const e = err as Error & { code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (status !== undefined && status >= 400) return false;
  if (e?.name === 'TimeoutError' || e?.name === 'RequestTimeout') return true;
  if (e?.code && NETWORK_CODES.has(e.code)) return true;
  // a response cut mid-body surfaces from Node's HTTP parser as a bare "aborted"
  return /^(aborted|socket hang up|premature close)$/i.test(e?.message ?? '');
}
