// A fingerprint of what the correlator wrote (every row of copies and copy_evidence, ordered, hashed,
// plus the inventory tables it rebuilds), to show a change to the rules or their SQL leaves lineage
// as it was. Run: node --import tsx test/correlate/fingerprint.ts [--demo] [--real] [--more] > a.json
// (the default is all three), then again after the change, and diff the two files. With
// FINGERPRINT_ROWS=DIR the rows themselves are written there too, to diff when a hash differs.
// The test scenarios in test/correlate/ are fingerprinted by fingerprint-setup.ts.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { type SimulateOptions, simulate } from '../../simulator/simulate.ts';
import { REAL_DATA } from '../helpers-paths.ts';

/** Each table in a fixed order; lineage first (the contract), then what correlate rebuilds beside it. */
const TABLES = {
  copies: 'select * from copies order by copy_id',
  copy_evidence: 'select * from copy_evidence order by copy_id, event_id, side, match',
  artifacts: 'select * from artifacts order by artifact_id, region',
  shares: 'select * from shares order by event_id, artifact_id, to_account, action',
  kms_keys: 'select * from kms_keys order by key_arn',
  kms_context: 'select * from kms_context order by event_id',
} as const;

export interface TableFingerprint {
  rows: number;
  sha256: string;
}
export type Fingerprint = Record<keyof typeof TABLES, TableFingerprint>;

export async function fingerprint(store: Store, name?: string): Promise<Fingerprint> {
  const out = {} as Fingerprint;
  const rowsDir = process.env.FINGERPRINT_ROWS;
  for (const [table, sql] of Object.entries(TABLES) as [keyof typeof TABLES, string][]) {
    const { rows } = await store.userQuery(sql);
    const lines = rows.map((row) => `${JSON.stringify(row)}\n`);
    const hash = createHash('sha256');
    for (const line of lines) hash.update(line);
    out[table] = { rows: rows.length, sha256: hash.digest('hex') };
    if (rowsDir && name) {
      mkdirSync(rowsDir, { recursive: true });
      writeFileSync(join(rowsDir, `${name}.${table}.ndjson`), lines.join(''));
    }
  }
  return out;
}

/** A simulated organization; the defaults are the demo's data set (pipeline/demo.ts). */
async function simulated(name: string, options: Partial<SimulateOptions> = {}): Promise<Fingerprint> {
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-fp-sim-'));
  const store = await Store.open({ path: ':memory:', memoryLimit: '2GB' });
  try {
    simulate({ out: dir, events: 50_000, days: 7, seed: 42, ...options });
    await ingestDir(store, [dir]);
    await correlate(store);
    return await fingerprint(store, name);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every third-party real trail, through the dir source. */
async function real(): Promise<Fingerprint> {
  const store = await Store.open({ path: ':memory:', memoryLimit: '2GB' });
  try {
    await ingestDir(store, [REAL_DATA]);
    await correlate(store);
    return await fingerprint(store, 'real_data');
  } finally {
    store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const all = !['--demo', '--real', '--more'].some((a) => args.includes(a));
  const result: Record<string, Fingerprint> = {};
  if (all || args.includes('--demo')) result.demo = await simulated('demo');
  if (all || args.includes('--real')) result.real_data = await real();
  // another seed with three fleets: more copies, more overlaps between them
  if (all || args.includes('--more'))
    result.sim_seed7_fleets3 = await simulated('sim_seed7_fleets3', { seed: 7, fleets: 3, days: 5 });
  console.log(JSON.stringify(result, null, 2));
}
