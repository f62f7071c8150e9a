// `npm run bench [-- --events 1M] [--days 7] [--keep DIR]`: ingest throughput of copytrail against
// DuckDB's own read_json load of the same simulated trail files, in the same run, with peak RSS.
// Each side runs in its own child process so their memory peaks are measured apart.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listValue } from '@duckdb/node-api';
import { z } from 'zod';
import { walkPaths } from '../ingest/dir.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import { Store } from '../queries/store.ts';
import { parseCount } from '../simulator/command.ts';
import { simulate } from '../simulator/simulate.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1M' },
    days: { type: 'string', default: '7' },
    keep: { type: 'string' },
    child: { type: 'string' },
    trail: { type: 'string' },
  },
});

const RAW_CHUNK = 2000;

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
  if (kind === 'copytrail') {
    const s = await ingestDir(store, [trail]);
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
    const sim = simulate({ out: trail, events, days, seed: 42 });
    console.log(
      `simulated ${sim.records} records in ${sim.files} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const raw = runChild('duckdb', trail);
  const ours = runChild('copytrail', trail);
  const rate = (m: Measure) => Math.round(m.events / m.seconds);
  const rows = [
    ['duckdb read_json (raw load)', raw],
    ['copytrail ingest dir', ours],
  ] as const;
  console.log('\n| run | events | seconds | events/s | peak RSS MB |\n|---|---:|---:|---:|---:|');
  for (const [name, m] of rows) {
    console.log(`| ${name} | ${m.events} | ${m.seconds.toFixed(1)} | ${rate(m)} | ${m.peakRssMb} |`);
  }
  console.log(`\ncopytrail / raw DuckDB throughput: ${(rate(ours) / rate(raw)).toFixed(2)}x`);
  console.log(
    'raw DuckDB keeps duplicates and does no ledger, reject handling, dedup or normalisation; copytrail does all of these.',
  );
  if (!values.keep) rmSync(trail, { recursive: true, force: true });
}

await main();
