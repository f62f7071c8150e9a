// The S3 client every S3 reader and writer uses: the SDK's default credential chain (never printed),
// bounded connect and idle-socket timeouts, and the standard retry mode with few attempts, because
// 'adaptive' mode rate-limits the whole client when a single object is throttled.
import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  endpointUrl?: string;
  region?: string;
  /** Give up on a TCP/TLS connect after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Close a socket that carried no data for this long (default 60 s). */
  socketTimeoutMs?: number;
  /**
   * SDK tries per call, the first included (default 3). `ingest s3` passes 1: it retries each object
   * itself, and a wait inside the SDK would hold a download place that other objects could use.
   */
  maxAttempts?: number;
  /** Sockets per host (default 256, the highest --concurrency). */
  maxSockets?: number;
}

/** An S3 client on the SDK's default credential chain; path-style when pointed at another endpoint. */
export function makeS3Client(opts: S3ClientOptions = {}): S3Client {
  const handler = {
    connectionTimeout: opts.connectTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    httpAgent: { keepAlive: true, maxSockets: opts.maxSockets ?? 256 },
    httpsAgent: { keepAlive: true, maxSockets: opts.maxSockets ?? 256 },
  };
  return new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl, forcePathStyle: true } : {}),
    followRegionRedirects: true,
    maxAttempts: opts.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: handler,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
