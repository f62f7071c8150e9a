// `npm run bench [-- --events 1M] [--days 7] [--keep DIR] [--no-s3] [--suite ingest|correlate|reports] [--fleets N]`: ingest throughput of copytrail
// against DuckDB's own read_json load of the same simulated trail files, and `ingest s3` from a
// local S3 server (fauxqs, real HTTP) against `ingest dir` of the same files, in the same run.
// Each run is its own child process so their memory peaks are measured apart.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { listValue } from '@duckdb/node-api';
import { startFauxqs } from 'fauxqs';
import { z } from 'zod';
import { correlate } from '../correlate/correlate.ts';
import { walkPaths } from '../ingest/dir.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import { mapPool } from '../ingest/pool.ts';
import { ingestS3, makeS3Client } from '../ingest/s3.ts';
import { parseRange } from '../ingest/time-range.ts';
import { DEMO_CONFIG } from '../pipeline/demo.ts';
import { Store } from '../queries/store.ts';
import { loadConfig } from '../reports/config.ts';
import { generateReport } from '../reports/generate.ts';
import { PdfRenderer } from '../reports/pdf.ts';
import { REPORT_IDS } from '../reports/registry.ts';
import { parseCount } from '../simulator/command.ts';
import { simulate } from '../simulator/simulate.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1M' },
    days: { type: 'string', default: '7' },
    keep: { type: 'string' },
    child: { type: 'string' },
    trail: { type: 'string' },
    endpoint: { type: 'string' },
    'no-s3': { type: 'boolean', default: false },
    suite: { type: 'string', default: 'ingest' },
    fleets: { type: 'string', default: '1' },
  },
});

// fauxqs accepts any credentials; these never leave this machine
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const RAW_CHUNK = 2000;
const BUCKET = 'bench-trail';
const SIM_START = '2026-03-01';

interface Measure {
  seconds: number;
  events: number;
  peakRssMb: number;
}

async function child(kind: string, trail: string): Promise<void> {
  const dbDir = mkdtempSync(join(tmpdir(), 'copytrail-bench-db-'));
  const store = await Store.open({ path: join(dbDir, 'bench.duckdb') });
  const t0 = performance.now();
  let events = 0;
  if (kind === 'correlate') {
    // ingest is not timed here; correlate runs twice: first from scratch, then with nothing new
    events = (await ingestDir(store, [trail])).eventsNew;
    const t1 = performance.now();
    const first = await correlate(store);
    const firstS = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    await correlate(store);
    const againS = (performance.now() - t2) / 1000;
    store.close();
    rmSync(dbDir, { recursive: true, force: true });
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(
      JSON.stringify({ seconds: firstS, again: againS, copies: first.copies, events, peakRssMb }),
    );
    return;
  }
  if (kind === 'reports') {
    // ingest and correlate are not timed here; each report is built and written once per format
    events = (await ingestDir(store, [trail])).eventsNew;
    const { copies } = await correlate(store);
    const config = loadConfig(DEMO_CONFIG);
    const { subject } = await store.one(
      'pipeline/demo_forensics_subject',
      z.object({ subject: z.string().nullable() }),
    );
    const pdf = new PdfRenderer(config.reports.chromium);
    const out = join(dbDir, 'reports');
    const rows: { report: string; format: string; seconds: number; bytes: number; findings: number }[] = [];
    try {
      // first start unpacks and launches Chromium: not charged to any report
      await pdf.print('<p>warm-up</p>', { title: 'warm-up', generatedAt: '', paper: 'A4' });
      for (const id of REPORT_IDS) {
        for (const format of ['json', 'html', 'pdf'] as const) {
          const t = performance.now();
          const r = await generateReport(store, {
            id,
            config,
            formats: [format],
            out,
            subject: id === 'forensics' ? subject : null,
            pdf,
          });
          rows.push({
            report: id,
            format,
            seconds: (performance.now() - t) / 1000,
            bytes: r.files[0]!.bytes,
            findings: r.model.summary.total,
          });
        }
      }
    } finally {
      await pdf.close();
    }
    store.close();
    rmSync(dbDir, { recursive: true, force: true });
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(JSON.stringify({ seconds: 0, events, copies, rows, peakRssMb }));
    return;
  }
  if (kind === 'copytrail') {
    const s = await ingestDir(store, [trail]);
    events = s.eventsNew;
  } else if (kind === 's3') {
    const client = makeS3Client({ endpointUrl: values.endpoint, region: 'us-east-1' });
    const s = await ingestS3(store, client, {
      bucket: BUCKET,
      // the simulated days, plus the day late deliveries spill into
      range: parseRange(
        SIM_START,
        new Date(Date.parse(SIM_START) + (Number(values.days) + 1) * 86_400_000).toISOString(),
      ),
      spoolDir: join(dbDir, 'spool'),
    });
    client.destroy();
    events = s.eventsNew;
  } else {
    const files = walkPaths([trail]).files.map((f) => f.location);
    await store.run('bench/create_raw');
    // one statement over tens of thousands of files exhausts memory: load them in chunks
    for (let i = 0; i < files.length; i += RAW_CHUNK) {
      await store.run('bench/duckdb_raw_load', {
        files: listValue(files.slice(i, i + RAW_CHUNK)),
        max_bytes: 16 * 1024 * 1024,
      });
    }
    events = (await store.one('bench/raw_count', z.object({ n: z.coerce.number() }))).n;
  }
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  rmSync(dbDir, { recursive: true, force: true });
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ seconds, events, peakRssMb } satisfies Measure));
}

function runChild(kind: string, trail: string): Measure {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/bench.ts', '--child', kind, '--trail', trail],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`${kind} bench failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Measure;
}

async function main(): Promise<void> {
  if (values.child && values.trail) return child(values.child, values.trail);
  const events = parseCount(values.events!);
  const days = Number(values.days);
  const trail = values.keep ?? mkdtempSync(join(tmpdir(), 'copytrail-bench-trail-'));
  console.log(
    `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  if (!values.keep || !existsSync(join(trail, 'AWSLogs'))) {
    const t0 = performance.now();
    // no digests: both sides then read exactly the same log files
    const sim = simulate({
      out: trail,
      events,
      days,
      seed: 42,
      start: SIM_START,
      digests: false,
      fleets: Number(values.fleets),
    });
    console.log(
      `simulated ${sim.records} records in ${sim.files} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  if (values.suite === 'reports') {
    const m = runChild('reports', trail) as Measure & {
      copies: number;
      rows: { report: string; format: string; seconds: number; bytes: number; findings: number }[];
    };
    console.log(
      `\n${m.events} events, ${m.copies} copies; peak RSS ${m.peakRssMb} MB (ingest + correlate + reports)`,
    );
    console.log('\n| report | findings | format | seconds | size KB |');
    console.log('|---|---:|---|---:|---:|');
    for (const r of m.rows) {
      console.log(
        `| ${r.report} | ${r.findings} | ${r.format} | ${r.seconds.toFixed(2)} | ${Math.round(r.bytes / 1024)} |`,
      );
    }
    if (!values.keep) rmSync(trail, { recursive: true, force: true });
    return;
  }
  if (values.suite === 'correlate') {
    const m = runChild('correlate', trail) as Measure & { again: number; copies: number };
    console.log(
      '\n| events | copies | correlate s (first run) | correlate s (again, nothing new) | peak RSS MB (ingest + correlate) |',
    );
    console.log('|---:|---:|---:|---:|---:|');
    console.log(
      `| ${m.events} | ${m.copies} | ${m.seconds.toFixed(1)} | ${m.again.toFixed(1)} | ${m.peakRssMb} |`,
    );
    if (!values.keep) rmSync(trail, { recursive: true, force: true });
    return;
  }
  const raw = runChild('duckdb', trail);
  const ours = runChild('copytrail', trail);
  const rate = (m: Measure) => Math.round(m.events / m.seconds);
  const rows: [string, Measure][] = [
    ['duckdb read_json (raw load)', raw],
    ['copytrail ingest dir', ours],
  ];
  let s3: Measure | null = null;
  if (!values['no-s3']) {
    const server = await startFauxqs({ port: 0, logger: false });
    server.createBucket(BUCKET);
    const client = makeS3Client({ endpointUrl: server.address, region: 'us-east-1' });
    const keys = walkPaths([trail]).files.map((f) => f.location);
    const t0 = performance.now();
    await mapPool(keys, 32, async (file) => {
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: relative(trail, file), Body: readFileSync(file) }),
      );
    });
    console.log(
      `uploaded ${keys.length} objects to fauxqs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    client.destroy();
    // the server answers from this process while the ingest runs in its own
    s3 = await new Promise<Measure>((resolveRun, reject) => {
      const args = [
        '--import',
        'tsx',
        'bench/bench.ts',
        '--child',
        's3',
        '--trail',
        trail,
        '--endpoint',
        server.address,
      ];
      const proc = spawn(process.execPath, args, {
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' },
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d) => {
        stdout += d;
      });
      proc.stderr.on('data', (d) => {
        stderr += d;
      });
      proc.on('close', (code) =>
        code === 0 ? resolveRun(JSON.parse(stdout)) : reject(new Error(`s3 bench failed:\n${stderr}`)),
      );
    });
    await server.stop();
    rows.push(['copytrail ingest s3 (fauxqs, HTTP)', s3]);
  }
  console.log('\n| run | events | seconds | events/s | peak RSS MB |\n|---|---:|---:|---:|---:|');
  for (const [name, m] of rows) {
    console.log(`| ${name} | ${m.events} | ${m.seconds.toFixed(1)} | ${rate(m)} | ${m.peakRssMb} |`);
  }
  console.log(`\ncopytrail / raw DuckDB throughput: ${(rate(ours) / rate(raw)).toFixed(2)}x`);
  if (s3)
    console.log(`ingest s3 / ingest dir throughput: ${(rate(s3) / rate(ours)).toFixed(2)}x (target >= 0.7x)`);
  console.log(
    'raw DuckDB keeps duplicates and does no ledger, reject handling, dedup or normalisation; copytrail does all of these.',
  );
  if (!values.keep) rmSync(trail, { recursive: true, force: true });
}

await main();
