// A real S3 endpoint for tests: fauxqs in-process over HTTP, optionally behind a small proxy that
// answers AccessDenied for chosen prefixes and 503 SlowDown for the first requests (to test retries).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { makeS3Client } from '../ingest/s3.ts';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';

export interface S3Fixture {
  endpoint: string;
  client: S3Client;
  stop(): Promise<void>;
  requests: { count: number; throttled: number; denied: number };
  put(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    metadata?: Record<string, string>,
  ): Promise<void>;
}

export interface ProxyRules {
  /** Keys or prefixes (as they appear in the request's prefix or key) that answer 403 AccessDenied. */
  deny?: string[];
  /** Answer 503 SlowDown to the first N requests. */
  throttleFirst?: number;
}

export async function startS3(bucket: string, rules: ProxyRules = {}): Promise<S3Fixture> {
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  fauxqs.createBucket(bucket);
  const upstream = new URL(fauxqs.address);
  const requests = { count: 0, throttled: 0, denied: 0 };
  const proxy: Server = createServer((req, res) => {
    requests.count++;
    const url = new URL(req.url ?? '/', 'http://x');
    const target = decodeURIComponent(url.pathname) + (url.searchParams.get('prefix') ?? '');
    if (rules.throttleFirst && requests.throttled < rules.throttleFirst) {
      requests.throttled++;
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
      );
      return;
    }
    if (rules.deny?.some((d) => target.includes(d))) {
      requests.denied++;
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      );
      return;
    }
    const fwd = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(fwd);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const client = makeS3Client({ endpointUrl: endpoint, region: 'us-east-1' });
  const direct = makeS3Client({ endpointUrl: fauxqs.address, region: 'us-east-1' });
  return {
    endpoint,
    client,
    requests,
    async put(b, key, body, metadata) {
      await direct.send(new PutObjectCommand({ Bucket: b, Key: key, Body: body, Metadata: metadata }));
    },
    async stop() {
      client.destroy();
      direct.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
      await fauxqs.stop();
    },
  };
}
