// `node --import tsx bench/athena-slice.ts [--scale 10M] [--days N] [--keep DIR] [--lineage-scale 200k|0]`:
// what `ingest athena` brings back out of a whole trail. DuckDB runs the Athena filter's own text
// (queries/athena/lineage_filter.sql, values as athenaFilter binds them) over the simulated trail's
// files, seen as the Athena table (ingest/pushdown-local.ts): records and JSON bytes, all against the
// slice, per event source. Then, on a smaller trail, the slice alone is written back as trail files,
// ingested and correlated, and its lineage (`lineage --all --format json`) compared with that of
// the whole trail: the pushdown must lose nothing lineage needs.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { correlate } from '../correlate/correlate.ts';
import { lineage, renderLineage } from '../correlate/lineage.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import {
  openLocalTable,
  type SliceCount,
  sliceCounts,
  sliceRecords,
  writeSlice,
} from '../ingest/pushdown-local.ts';
import type { EventFilter } from '../ingest/query-source.ts';
import { Store } from '../queries/store.ts';
import { parseCount } from '../simulator/command.ts';
import { simulate } from '../simulator/simulate.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10M' },
    days: { type: 'string' },
    keep: { type: 'string' },
    'lineage-scale': { type: 'string', default: '200k' },
  },
});

// the same trail bench/bench.ts simulates for a scale: seed 42 from 2026-03-01, no digests
const SIM_START = '2026-03-01';
const DAY = 86_400_000;

const daysFor = (events: number) => Number(values.days ?? (events > 3_000_000 ? 2 : 7));

function simulated(dir: string, events: number): string {
  const days = daysFor(events);
  if (!existsSync(join(dir, 'AWSLogs'))) {
    const t0 = performance.now();
    const sim = simulate({ out: dir, events, days, seed: 42, start: SIM_START, digests: false, fleets: 1 });
    console.log(
      `simulated ${sim.records} records over ${days} days in ${sim.files} files in ${((performance.now() - t0) / 1000).toFixed(0)} s (${dir})`,
    );
  } else {
    console.log(`trail: ${dir} (simulated before)`);
  }
  return dir;
}

/** The whole simulated span, from the day before it to the day late deliveries spill into. */
function windowFor(events: number): EventFilter {
  const start = Date.parse(`${SIM_START}T00:00:00Z`);
  return { since: new Date(start - DAY), until: new Date(start + (daysFor(events) + 2) * DAY) };
}

function fileBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.json.gz')) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

async function duck() {
  const db = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: '6GB',
    preserve_insertion_order: 'false',
  });
  return db.connect();
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);
const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(2)} %` : '');

interface Sum {
  records: number;
  bytes: number;
  sliceRecords: number;
  sliceBytes: number;
}

const sum = (cs: SliceCount[]): Sum =>
  cs.reduce(
    (a, c) => ({
      records: a.records + c.records,
      bytes: a.bytes + c.bytes,
      sliceRecords: a.sliceRecords + c.sliceRecords,
      sliceBytes: a.sliceBytes + c.sliceBytes,
    }),
    { records: 0, bytes: 0, sliceRecords: 0, sliceBytes: 0 },
  );

function table(counts: SliceCount[]): void {
  const kms = counts
    .filter((c) => c.eventSource === 'kms.amazonaws.com')
    .sort((a, b) => b.records - a.records);
  const rest = counts.filter((c) => c.eventSource !== 'kms.amazonaws.com');
  const rows: [string, Sum][] = [
    ['KMS (kms.amazonaws.com)', sum(kms)],
    ['every other source', sum(rest)],
    ['**whole trail**', sum(counts)],
  ];
  console.log(
    '\n| records | all: records | all: JSON MiB | slice: records | slice: JSON MiB | records kept | bytes kept |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, c] of rows) {
    console.log(
      `| ${name} | ${c.records} | ${mb(c.bytes)} | ${c.sliceRecords} | ${mb(c.sliceBytes)} | ${pct(c.sliceRecords, c.records)} | ${pct(c.sliceBytes, c.bytes)} |`,
    );
  }
  console.log('\nper event source:\n');
  console.log('| event source | records | JSON MiB | slice records | slice JSON MiB |');
  console.log('|---|---:|---:|---:|---:|');
  const sources = [...new Set(counts.map((c) => c.eventSource))];
  const bySource = sources
    .map((e) => [e, sum(counts.filter((c) => c.eventSource === e))] as const)
    .sort((a, b) => b[1].records - a[1].records);
  for (const [e, c] of bySource) {
    console.log(`| ${e} | ${c.records} | ${mb(c.bytes)} | ${c.sliceRecords} | ${mb(c.sliceBytes)} |`);
  }
  console.log('\nKMS records by the first key of their encryption context (or grant constraint):\n');
  console.log('| context key | failed | records | JSON MiB | slice records | slice JSON MiB |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const k of kms) {
    console.log(
      `| ${k.contextKey} | ${k.failed ? 'yes' : ''} | ${k.records} | ${mb(k.bytes)} | ${k.sliceRecords} | ${mb(k.sliceBytes)} |`,
    );
  }
}

async function measure(trail: string, events: number): Promise<void> {
  const disk = fileBytes(trail);
  console.log(`trail files: ${disk.files} .json.gz, ${mb(disk.bytes)} MiB on disk (gzip)`);
  const conn = await duck();
  try {
    await openLocalTable(conn, `${trail}/AWSLogs/**/*.json.gz`);
    const t0 = performance.now();
    const counts = await sliceCounts(conn, windowFor(events));
    console.log(
      `DuckDB counted all and the slice in one scan: ${((performance.now() - t0) / 1000).toFixed(0)} s (the Athena filter's text, every account and region, the whole span)`,
    );
    table(counts);
  } finally {
    conn.closeSync();
  }
}

async function lineageJson(
  dir: string,
  paths: string[],
): Promise<{ json: string; events: number; copies: number }> {
  const store = await Store.open({ path: join(dir, 'store.duckdb'), memoryLimit: '4GB' });
  try {
    const ingested = await ingestDir(store, paths);
    await correlate(store);
    const records = await lineage(store, null);
    return { json: renderLineage(records, 'json'), events: ingested.eventsNew, copies: records.length };
  } finally {
    store.close();
  }
}

async function lineageCheck(events: number, keep: string | undefined): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'copytrail-athena-slice-'));
  try {
    const trail = simulated(keep ? `${keep}-lineage-${events}` : join(work, 'trail'), events);
    await measure(trail, events);
    const conn = await duck();
    let files: number;
    const sliceDir = join(work, 'slice');
    try {
      await openLocalTable(conn, `${trail}/AWSLogs/**/*.json.gz`);
      files = writeSlice(await sliceRecords(conn, windowFor(events)), trail, sliceDir);
    } finally {
      conn.closeSync();
    }
    const wholeDir = mkdtempSync(join(work, 'whole-'));
    const partDir = mkdtempSync(join(work, 'part-'));
    const t0 = performance.now();
    const whole = await lineageJson(wholeDir, [trail]);
    const t1 = performance.now();
    const part = await lineageJson(partDir, [sliceDir]);
    const t2 = performance.now();
    const same = whole.json === part.json;
    console.log(`\nlineage from the slice alone (${events} simulated events, ${daysFor(events)} days):\n`);
    console.log(
      '| ingested | events loaded | ingest + correlate s | copies in lineage | lineage JSON bytes |',
    );
    console.log('|---|---:|---:|---:|---:|');
    console.log(
      `| whole trail | ${whole.events} | ${((t1 - t0) / 1000).toFixed(1)} | ${whole.copies} | ${whole.json.length} |`,
    );
    console.log(
      `| the slice (${files} files) | ${part.events} | ${((t2 - t1) / 1000).toFixed(1)} | ${part.copies} | ${part.json.length} |`,
    );
    console.log(
      `\nlineage --all --format json: ${same ? 'IDENTICAL' : 'DIFFERENT'} for the slice and the whole trail`,
    );
    if (!same) {
      const ids = (j: string) => new Set((JSON.parse(j) as { copy_id: string }[]).map((r) => r.copy_id));
      const a = ids(whole.json);
      const b = ids(part.json);
      console.log(
        `copies only in the whole trail's lineage: ${[...a]
          .filter((x) => !b.has(x))
          .slice(0, 10)
          .join(', ')}`,
      );
      console.log(
        `copies only in the slice's lineage: ${[...b]
          .filter((x) => !a.has(x))
          .slice(0, 10)
          .join(', ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}; ${new Date().toISOString()}`,
  );
  const lineageEvents = parseCount(values['lineage-scale']);
  if (lineageEvents > 0) await lineageCheck(lineageEvents, values.keep);
  const events = parseCount(values.scale);
  if (events === 0) return;
  const keep = values.keep;
  const trail = keep ?? mkdtempSync(join(tmpdir(), 'copytrail-athena-trail-'));
  try {
    console.log(`\nthe slice at ${values.scale}:`);
    await measure(simulated(trail, events), events);
  } finally {
    if (!keep) rmSync(trail, { recursive: true, force: true });
  }
}

await main();
