// `npm run bench [-- --scale 1M|10M] [--days N] [--keep DIR] [--s3|--no-s3] [--suite all|ingest] [--fleets N]`:
// one table for the whole pipeline on a simulated trail, then the issue's targets, each met or not.
// `npm run bench -- --quick`: 30k records, a many-small-files trail and a dense copy of it, ingest
// only, raw load and copytrail alternated twice: a developer's loop in under two minutes. DuckDB's own read_json load of the same
// files is the yardstick, measured in the same run; then copytrail's ingest (from the folder, and
// from a local S3 server over real HTTP), correlate (from scratch, and again with nothing new) and
// each report in each format. Each process is a child of its own, so memory peaks are apart.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBValue, listValue } from '@duckdb/node-api';
import { startFauxqs } from 'fauxqs';
import { z } from 'zod';
import { loadConfig } from '../core/config.ts';
import { parseRange } from '../core/time.ts';
import { correlate } from '../correlate/correlate.ts';
import { walkPaths } from '../ingest/dir.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import { mapPool } from '../ingest/pool.ts';
import { ingestS3, makeS3Client } from '../ingest/s3.ts';
import { DEMO_CONFIG } from '../pipeline/demo.ts';
import { Store, sqlText, storeMemoryLimit } from '../queries/store.ts';
import { generateReport } from '../reports/generate.ts';
import { PdfRenderer } from '../reports/pdf.ts';
import { REPORT_IDS } from '../reports/registry.ts';
import { parseCount } from '../simulator/command.ts';
import { simulate } from '../simulator/simulate.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    events: { type: 'string' },
    days: { type: 'string' },
    keep: { type: 'string' },
    child: { type: 'string' },
    trail: { type: 'string' },
    endpoint: { type: 'string' },
    s3: { type: 'boolean' },
    'no-s3': { type: 'boolean', default: false },
    'no-pdf': { type: 'boolean', default: false },
    suite: { type: 'string', default: 'all' },
    fleets: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
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

interface Step extends Measure {
  step: string;
}

/**
 * The yardstick: DuckDB opens a file of its own, as an analyst's DuckDB would, with its own row
 * groups; not the store's (queries/store/attach.sql), whose smaller row groups make this load a
 * third faster at 10M records. It keeps the memory limit and checkpoint threshold the store sets.
 */
async function rawChild(trail: string): Promise<void> {
  const dbDir = mkdtempSync(join(tmpdir(), 'copytrail-bench-raw-'));
  const instance = await DuckDBInstance.create(join(dbDir, 'raw.duckdb'), {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: storeMemoryLimit(),
  });
  const conn = await instance.connect();
  const run = (name: string, params: Record<string, DuckDBValue> = {}) => conn.run(sqlText(name), params);
  await run('store/session_settings');
  await run('store/checkpoint_threshold');
  const t0 = performance.now();
  const files = walkPaths([trail]).files.map((f) => f.location);
  await run('bench/create_raw');
  // one statement over tens of thousands of files exhausts memory: load them in chunks
  for (let i = 0; i < files.length; i += RAW_CHUNK) {
    await run('bench/duckdb_raw_load', {
      files: listValue(files.slice(i, i + RAW_CHUNK)),
      max_bytes: 16 * 1024 * 1024,
    });
  }
  const count = await conn.runAndReadAll(sqlText('bench/raw_count'));
  const events = Number(count.getRowObjectsJson()[0]!.n);
  // into the database file, as copytrail's ingest ends: a load that is still only in the
  // write-ahead log has not finished its work
  await run('store/checkpoint');
  const seconds = (performance.now() - t0) / 1000;
  conn.closeSync();
  instance.closeSync();
  rmSync(dbDir, { recursive: true, force: true });
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ seconds, events, peakRssMb } satisfies Measure));
}

async function child(kind: string, trail: string): Promise<void> {
  if (kind === 'duckdb') return rawChild(trail);
  const dbDir = mkdtempSync(join(tmpdir(), 'copytrail-bench-db-'));
  const store = await Store.open({ path: join(dbDir, 'bench.duckdb') });
  const t0 = performance.now();
  let events = 0;
  if (kind === 'pipeline') {
    // ingest, correlate twice, then every report in every format, on one store; after each step the
    // process's peak RSS so far
    const steps: Step[] = [];
    const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const t = performance.now();
      const out = await fn();
      return [out, (performance.now() - t) / 1000];
    };
    const [ingest, ingestS] = await timed(() => ingestDir(store, [trail]));
    events = ingest.eventsNew;
    await store.run('store/checkpoint');
    const dbMb = Math.round(statSync(join(dbDir, 'bench.duckdb')).size / 1e6);
    steps.push({
      step: `copytrail ingest dir (store: ${dbMb} MB)`,
      events,
      seconds: ingestS,
      peakRssMb: rss(),
    });
    const [first, firstS] = await timed(() => correlate(store));
    steps.push({
      step: `correlate, first run (${first.copies} copies)`,
      events,
      seconds: firstS,
      peakRssMb: rss(),
    });
    const [, againS] = await timed(() => correlate(store));
    steps.push({ step: 'correlate, again (nothing new)', events, seconds: againS, peakRssMb: rss() });
    const config = loadConfig(DEMO_CONFIG);
    const { subject } = await store.one(
      'pipeline/demo_forensics_subject',
      z.object({ subject: z.string().nullable() }),
    );
    const formats = values['no-pdf'] ? (['json', 'html'] as const) : (['json', 'html', 'pdf'] as const);
    const pdf = values['no-pdf'] ? undefined : new PdfRenderer(config.reports.chromium);
    const out = join(dbDir, 'reports');
    try {
      // first start unpacks and launches Chromium: not charged to any report
      await pdf?.print('<p>warm-up</p>', { title: 'warm-up', generatedAt: '', paper: 'A4' });
      for (const id of REPORT_IDS) {
        for (const format of formats) {
          const [r, seconds] = await timed(() =>
            generateReport(store, {
              id,
              config,
              formats: [format],
              out,
              subject: id === 'forensics' ? subject : null,
              pdf,
            }),
          );
          steps.push({
            step: `report ${id} ${format} (${r.model.summary.total} findings, ${Math.round(r.files[0]!.bytes / 1024)} KB)`,
            events,
            seconds,
            peakRssMb: rss(),
          });
        }
      }
    } finally {
      await pdf?.close();
    }
    store.close();
    rmSync(dbDir, { recursive: true, force: true });
    process.stdout.write(JSON.stringify({ seconds: ingestS, events, peakRssMb: rss(), steps }));
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
        // wide enough for any simulated span, plus the day late deliveries spill into
        new Date(Date.parse(SIM_START) + 32 * 86_400_000).toISOString(),
      ),
      spoolDir: join(dbDir, 'spool'),
    });
    client.destroy();
    events = s.eventsNew;
  } else {
    throw new Error(`no such bench step: ${kind}`);
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
  if (values.quick) return quick();
  const events = parseCount(values.scale ?? values.events ?? '1M');
  // a large organization's day: 10M events land over 2 days, 1M over a week
  const days = Number(values.days ?? (events > 3_000_000 ? 2 : 7));
  const withS3 = values.s3 ?? (!values['no-s3'] && events <= 1_000_000);
  const trail = values.keep ?? mkdtempSync(join(tmpdir(), 'copytrail-bench-trail-'));
  printMachine();
  const files = ensureTrail(trail, events, days);
  const raw = runChild('duckdb', trail);
  const rows: Step[] = [{ step: 'DuckDB read_json, raw load (the yardstick)', ...raw }];
  if (values.suite === 'ingest') {
    rows.push({ step: 'copytrail ingest dir', ...runChild('copytrail', trail) });
  } else {
    rows.push(...(runChild('pipeline', trail) as Measure & { steps: Step[] }).steps);
  }
  if (withS3) rows.splice(2, 0, { step: 'copytrail ingest s3 (fauxqs, real HTTP)', ...(await runS3(trail)) });
  printSteps(rows);
  console.log(
    '\nThe raw load keeps duplicates and does no ledger, reject handling, dedup or normalisation; copytrail does all of these. Peak RSS is per process: the pipeline steps share one, so theirs is the peak so far.',
  );
  const dir = rows.find((r) => r.step.startsWith('copytrail ingest dir'))!;
  const s3 = rows.find((r) => r.step.startsWith('copytrail ingest s3'));
  const correlateRow = rows.find((r) => r.step.startsWith('correlate, first run'));
  // a trail is "dense" when its files hold many records each, as a busy organization's do
  const dense = raw.events / files >= 30;
  printTargets([
    {
      target: dense ? 'dirDense' : 'dirSmall',
      value: ratio(dir, raw),
      note: `${fmtCount(events)} records, ${fmtCount(files)} files`,
    },
    { target: 'rss', value: dir.peakRssMb, note: `ingest dir of ${fmtCount(dir.events)} events` },
    ...(s3 ? [{ target: 's3' as const, value: ratio(s3, dir), note: 'same files, fauxqs' }] : []),
    ...(correlateRow
      ? [
          {
            target: 'correlate' as const,
            value: correlateRow.seconds,
            note: `${fmtCount(correlateRow.events)} events`,
          },
        ]
      : []),
  ]);
  if (!values.keep) rmSync(trail, { recursive: true, force: true });
}

/** The issue's targets: what each row measures, the bound, and which side of it passes. */
const TARGETS = {
  dirSmall: { label: 'ingest dir vs raw load, many small files', bound: 1.5, unit: 'x', atLeast: true },
  dirDense: { label: 'ingest dir vs raw load, dense files', bound: 1.0, unit: 'x', atLeast: true },
  rss: { label: 'peak RSS of ingest dir', bound: 1024, unit: ' MB', atLeast: false },
  s3: { label: 'ingest s3 vs ingest dir, same files', bound: 0.8, unit: 'x', atLeast: true },
  correlate: {
    label: 'correlate, first run (target set at 10M events)',
    bound: 10,
    unit: ' s',
    atLeast: false,
  },
} as const;

interface TargetRow {
  target: keyof typeof TARGETS;
  value: number;
  note: string;
}

function printTargets(rows: TargetRow[]): void {
  console.log('\n| target | measured | target | met | trail |');
  console.log('|---|---:|---:|:---:|---|');
  for (const r of rows) {
    const t = TARGETS[r.target];
    const met = t.atLeast ? r.value >= t.bound : r.value <= t.bound;
    const shown = t.unit === 'x' ? r.value.toFixed(2) : r.value.toFixed(t.unit === ' s' ? 2 : 0);
    const bound = `${t.atLeast ? '>=' : '<='} ${t.bound}${t.unit}`;
    console.log(`| ${t.label} | ${shown}${t.unit} | ${bound} | ${met ? 'met' : 'NOT MET'} | ${r.note} |`);
  }
}

function printMachine(): void {
  console.log(
    `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}/${process.arch}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

function printSteps(rows: Step[]): void {
  const raw = rows[0]!;
  console.log('\n| step | events | seconds | events/s | vs raw DuckDB load | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ingestLike = r.step.startsWith('DuckDB') || r.step.includes('ingest');
    console.log(
      `| ${r.step} | ${r.events} | ${r.seconds.toFixed(2)} | ${ingestLike ? rate(r) : ''} | ${ingestLike ? `${ratio(r, raw).toFixed(2)}x` : ''} | ${r.peakRssMb} |`,
    );
  }
}

const rate = (m: Measure) => Math.round(m.events / m.seconds);
/** events/s of `m` over events/s of `base` */
const ratio = (m: Measure, base: Measure) => m.events / m.seconds / (base.events / base.seconds);
const fmtCount = (n: number) => n.toLocaleString('en-US');

/** Simulates the trail unless `trail` holds one already; returns its number of files. */
function ensureTrail(trail: string, events: number, days: number): number {
  if (!existsSync(join(trail, 'AWSLogs'))) {
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
      `simulated ${sim.records} records over ${days} days in ${sim.files} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return walkPaths([trail]).files.length;
}

/**
 * A dense copy of a trail: each delivery folder's records joined into files of up to `perFile`
 * records, in file order, duplicates kept. The simulator writes few records per file at small
 * scales; busy organizations write dozens to thousands.
 */
function densify(from: string, to: string, perFile: number): number {
  let written = 0;
  const byFolder = new Map<string, string[]>();
  for (const f of walkPaths([from]).files) {
    const list = byFolder.get(dirname(f.location));
    if (list) list.push(f.location);
    else byFolder.set(dirname(f.location), [f.location]);
  }
  for (const [folder, files] of byFolder) {
    const out = join(to, relative(from, folder));
    mkdirSync(out, { recursive: true });
    let records: unknown[] = [];
    let first = '';
    const write = () => {
      if (records.length === 0) return;
      const name = first.replace(/\.json\.gz$/, `_dense.json.gz`);
      writeFileSync(join(out, name), gzipSync(JSON.stringify({ Records: records })));
      written++;
      records = [];
    };
    for (const file of files.sort()) {
      if (records.length === 0) first = file.slice(folder.length + 1);
      records.push(
        ...(JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: unknown[] }).Records,
      );
      if (records.length >= perFile) write();
    }
    write();
  }
  return written;
}

/** The developer's loop: small and dense trails, raw load and copytrail alternated twice each. */
async function quick(): Promise<void> {
  printMachine();
  const events = parseCount(values.scale ?? values.events ?? '30k');
  const base = values.keep ?? mkdtempSync(join(tmpdir(), 'copytrail-bench-quick-'));
  const small = join(base, 'small');
  const dense = join(base, 'dense');
  const smallFiles = ensureTrail(small, events, Number(values.days ?? 7));
  if (!existsSync(join(dense, 'AWSLogs'))) densify(small, dense, 500);
  const denseFiles = walkPaths([dense]).files.length;
  const targets: TargetRow[] = [];
  const all: Step[] = [];
  let peak = 0;
  for (const [name, trail, files] of [
    ['many small files', small, smallFiles],
    ['dense files', dense, denseFiles],
  ] as const) {
    const pairs: [Measure, Measure][] = [];
    for (let i = 0; i < 2; i++) {
      const raw = runChild('duckdb', trail);
      const ours = runChild('copytrail', trail);
      pairs.push([raw, ours]);
      all.push({ step: `${name}, run ${i + 1}: DuckDB read_json, raw load`, ...raw });
      all.push({ step: `${name}, run ${i + 1}: copytrail ingest dir`, ...ours });
      peak = Math.max(peak, ours.peakRssMb);
    }
    // each copytrail run is compared with the raw load just before it: the same load on the machine
    const ratios = pairs.map(([raw, ours]) => ratio(ours, raw));
    targets.push({
      target: name === 'dense files' ? 'dirDense' : 'dirSmall',
      value: Math.min(...ratios),
      note: `${fmtCount(events)} records in ${fmtCount(files)} files; runs ${ratios.map((r) => r.toFixed(2)).join(', ')}, lower shown`,
    });
  }
  // the same files from a local S3 server, each shape against its second ingest dir: per-object
  // cost shows on the small files, throughput on the dense ones
  for (const [name, trail] of [
    ['many small files', small],
    ['dense files', dense],
  ] as const) {
    const dir = all.find((s) => s.step.startsWith(`${name}, run 2: copytrail`))!;
    const s3 = await runS3(trail);
    all.push({ step: `${name}: copytrail ingest s3 (fauxqs, real HTTP)`, ...s3 });
    targets.push({ target: 's3', value: ratio(s3, dir), note: `${name}, vs its second ingest dir` });
  }
  targets.push({
    target: 'rss',
    value: peak,
    note: `largest of the ingest dir runs, ${fmtCount(events)} records`,
  });
  console.log('\n| step | events | seconds | events/s | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of all)
    console.log(`| ${r.step} | ${r.events} | ${r.seconds.toFixed(2)} | ${rate(r)} | ${r.peakRssMb} |`);
  printTargets(targets);
  if (!values.keep) rmSync(base, { recursive: true, force: true });
}

/** Uploads the trail to an in-process fauxqs and times `ingest s3` in a child over HTTP. */
async function runS3(trail: string): Promise<Measure> {
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
  try {
    return await new Promise<Measure>((resolveRun, reject) => {
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
  } finally {
    await server.stop();
  }
}

await main();
