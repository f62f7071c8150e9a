// The demo: simulate an organization, ingest its trail, and show what the store now holds.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type CorrelateSummary, correlate } from '../correlate/correlate.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import type { IngestSummary } from '../ingest/loader.ts';
import { terminalProgress } from '../ingest/progress.ts';
import { loadPublicKeys, type VerifyReport, verifyStore } from '../ingest/verify.ts';
import { Store } from '../queries/store.ts';
import { type SimulateResult, simulate } from '../simulator/simulate.ts';

export interface DemoOptions {
  out: string;
  db?: string;
  events?: number;
  days?: number;
  seed?: number;
}

export const EventMix = z.object({
  event_source: z.string(),
  events: z.coerce.number(),
});
export const CopyCalls = z.object({
  event_name: z.string(),
  aws_region: z.string().nullable(),
  calls: z.coerce.number(),
  failed: z.coerce.number(),
});

export interface DemoResult {
  out: string;
  db: string;
  simulated: SimulateResult;
  ingest: IngestSummary;
  verify: VerifyReport;
  correlate: CorrelateSummary;
  sources: z.infer<typeof EventMix>[];
  copyCalls: z.infer<typeof CopyCalls>[];
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const logs = join(out, 'trail');
  const db = options.db ?? join(out, 'copytrail.duckdb');
  const simulated = simulate({
    out: logs,
    events: options.events ?? 50_000,
    days: options.days ?? 7,
    seed: options.seed ?? 42,
  });
  const store = await Store.open({ path: db });
  try {
    const ingest = await ingestDir(store, [logs], terminalProgress('ingest'));
    // the simulator signs its digests; its public key verifies them offline
    const verify = await verifyStore(store, { keys: loadPublicKeys(simulated.publicKeyFile!) });
    const lineage = await correlate(store);
    const sources = await store.all('pipeline/demo_event_sources', EventMix);
    const copyCalls = await store.all('pipeline/demo_copy_calls', CopyCalls);
    return { out, db, simulated, ingest, verify, correlate: lineage, sources, copyCalls };
  } finally {
    store.close();
  }
}
