// A real S3 endpoint for tests: fauxqs in-process over HTTP, behind a proxy that injects faults per
// request (AccessDenied, SlowDown, cut or corrupted bodies, answers that never come) so retry,
// timeout and recording paths are tested over real sockets, deterministically.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { makeS3Client, type S3ClientOptions } from '../ingest/s3.ts';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';

export type Fault =
  /** Headers with the full Content-Length, the first `afterBytes` of the body, then the socket is destroyed. */
  | { kind: 'cut'; afterBytes: number }
  /** The whole body, same length, with one byte inverted (default: the middle one). */
  | { kind: 'flip'; at?: number }
  /** No answer at all, ever (until the server stops). */
  | { kind: 'hang' }
  /** Headers and the first `afterBytes` of the body, then nothing, ever. */
  | { kind: 'stall'; afterBytes: number }
  /** 503 SlowDown. */
  | { kind: 'slowdown' }
  /** Forwarded after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Any other error answer. */
  | { kind: 'status'; status: number; code: string };

export interface FaultRule {
  fault: Fault;
  /** Only requests whose key (or listing prefix) contains this. */
  match?: string;
  /** Object GETs (default), ListObjectsV2 calls, or any request. */
  on?: 'get' | 'list' | 'any';
  /** Fire on the first N requests that match, then never again. */
  times?: number;
  /** Fire on each matching request with this probability, drawn from the seeded generator. */
  probability?: number;
}

export interface ProxyRules {
  /** Keys or prefixes (as they appear in the request's prefix or key) that answer 403 AccessDenied. */
  deny?: string[];
  /** Answer 503 SlowDown to the first N requests. */
  throttleFirst?: number;
  /** Checked in order; the first rule that fires decides the answer. */
  faults?: FaultRule[];
  /** Seed for `probability` (default 1). */
  seed?: number;
  /** Settings for the fixture's client (default: one SDK attempt per call, as `ingest s3` uses). */
  client?: Omit<S3ClientOptions, 'endpointUrl'>;
}

export interface S3Fixture {
  endpoint: string;
  client: S3Client;
  stop(): Promise<void>;
  requests: {
    count: number;
    throttled: number;
    denied: number;
    /** ListObjectsV2 requests, by their prefix. */
    lists: string[];
    /** Object GETs per key, whatever the answer. */
    gets: Map<string, number>;
    /** How many times each fault rule fired, by its index in `faults`. */
    fired: number[];
  };
  /** GETs of keys that contain `fragment`. */
  getsOf(fragment: string): number;
  /** Calls `fn` once, when the first GET of a key containing `fragment` arrives (before it is answered). */
  onGet(fragment: string, fn: () => void): void;
  /** Calls `fn` once, when the `n`th object GET from now arrives (before it is answered). */
  afterGets(n: number, fn: () => void): void;
  /** Replaces the fault rules (and their counts), e.g. to heal the server before a re-run. */
  setFaults(faults: FaultRule[]): void;
  put(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    metadata?: Record<string, string>,
  ): Promise<void>;
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** mulberry32: a tiny seeded generator, so a "5% of requests" rule picks the same requests every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startS3(bucket: string, rules: ProxyRules = {}): Promise<S3Fixture> {
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  fauxqs.createBucket(bucket);
  const upstream = new URL(fauxqs.address);
  const requests: S3Fixture['requests'] = {
    count: 0,
    lists: [],
    throttled: 0,
    denied: 0,
    gets: new Map(),
    fired: (rules.faults ?? []).map(() => 0),
  };
  const random = seeded(rules.seed ?? 1);
  let faults = rules.faults ?? [];
  const watchers: { fragment: string; fn: () => void }[] = [];
  const counters: { left: number; fn: () => void }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const forward = (
    req: IncomingMessage,
    onAnswer: (status: number, headers: object, body: Buffer) => void,
  ) => {
    const fwd = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => onAnswer(up.statusCode ?? 500, up.headers, Buffer.concat(chunks)));
      },
    );
    fwd.on('error', () => req.socket.destroy());
    req.pipe(fwd);
  };
  const pass = (req: IncomingMessage, res: ServerResponse) =>
    forward(req, (status, headers, body) => {
      res.writeHead(status, headers as Record<string, string>);
      res.end(body);
    });

  const answerWith = (fault: Fault, req: IncomingMessage, res: ServerResponse) => {
    switch (fault.kind) {
      case 'hang':
        return; // the socket stays open and silent; stop() destroys it
      case 'slowdown':
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end(errorXml('SlowDown', 'Please reduce your request rate.'));
        return;
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'application/xml' });
        res.end(errorXml(fault.code, fault.code));
        return;
      case 'delay': {
        const t = setTimeout(() => {
          timers.delete(t);
          pass(req, res);
        }, fault.ms);
        timers.add(t);
        return;
      }
      default:
        forward(req, (status, headers, body) => {
          res.writeHead(status, headers as Record<string, string>);
          if (status !== 200 || body.length === 0) {
            res.end(body);
            return;
          }
          if (fault.kind === 'flip') {
            const at = Math.min(fault.at ?? Math.floor(body.length / 2), body.length - 1);
            const bad = Buffer.from(body);
            bad[at] = bad[at]! ^ 0xff;
            res.end(bad);
          } else if (fault.kind === 'cut') {
            res.write(body.subarray(0, Math.min(fault.afterBytes, body.length - 1)), () =>
              res.socket?.destroy(),
            );
          } else {
            res.write(body.subarray(0, Math.min(fault.afterBytes, body.length - 1)));
          }
        });
    }
  };

  const proxy: Server = createServer((req, res) => {
    requests.count++;
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const isList = req.method === 'GET' && url.searchParams.has('list-type');
    // path style: /bucket/key; a GET with a key and no listing query is an object GET
    const key = path.split('/').slice(2).join('/');
    const isGet = req.method === 'GET' && !isList && key.length > 0;
    if (isList) requests.lists.push(url.searchParams.get('prefix') ?? '');
    if (isGet) {
      requests.gets.set(key, (requests.gets.get(key) ?? 0) + 1);
      for (const w of watchers.filter((x) => key.includes(x.fragment))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.fn();
      }
      for (const c of [...counters]) {
        if (--c.left > 0) continue;
        counters.splice(counters.indexOf(c), 1);
        c.fn();
      }
    }
    const target = path + (url.searchParams.get('prefix') ?? '');
    if (rules.throttleFirst && requests.throttled < rules.throttleFirst) {
      requests.throttled++;
      answerWith({ kind: 'slowdown' }, req, res);
      return;
    }
    if (rules.deny?.some((d) => target.includes(d))) {
      requests.denied++;
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(errorXml('AccessDenied', 'Access Denied'));
      return;
    }
    for (let i = 0; i < faults.length; i++) {
      const rule = faults[i]!;
      const on = rule.on ?? 'get';
      if (on === 'get' && !isGet) continue;
      if (on === 'list' && !isList) continue;
      if (rule.match && !target.includes(rule.match)) continue;
      if (rule.times !== undefined && requests.fired[i]! >= rule.times) continue;
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      requests.fired[i]!++;
      answerWith(rule.fault, req, res);
      return;
    }
    pass(req, res);
  });
  proxy.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const client = makeS3Client({
    maxAttempts: 1,
    ...rules.client,
    endpointUrl: endpoint,
    region: 'us-east-1',
  });
  const direct = makeS3Client({ endpointUrl: fauxqs.address, region: 'us-east-1' });
  return {
    endpoint,
    client,
    requests,
    getsOf(fragment) {
      let n = 0;
      for (const [k, v] of requests.gets) if (k.includes(fragment)) n += v;
      return n;
    },
    onGet(fragment, fn) {
      watchers.push({ fragment, fn });
    },
    afterGets(n, fn) {
      counters.push({ left: n, fn });
    },
    setFaults(next) {
      faults = next;
      requests.fired = next.map(() => 0);
    },
    async put(b, key, body, metadata) {
      await direct.send(new PutObjectCommand({ Bucket: b, Key: key, Body: body, Metadata: metadata }));
    },
    async stop() {
      client.destroy();
      direct.destroy();
      for (const t of timers) clearTimeout(t);
      // a hung or stalled answer keeps its socket open: close() alone would wait for it forever
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
      await fauxqs.stop();
    },
  };
}
