// The demo: simulate an organization, ingest its trail, and show what the store now holds.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '../core/config.ts';
import { terminalProgress } from '../core/progress.ts';
import { type CorrelateSummary, correlate } from '../correlate/correlate.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import type { IngestSummary } from '../ingest/loader.ts';
import { loadPublicKeys, type VerifyReport, verifyStore } from '../ingest/verify.ts';
import { Store } from '../queries/store.ts';
import { type GenerateResult, generateReport } from '../reports/generate.ts';
import { PdfRenderer } from '../reports/pdf.ts';
import { REPORT_IDS } from '../reports/registry.ts';
import { type SimulateResult, simulate } from '../simulator/simulate.ts';

export interface DemoOptions {
  out: string;
  db?: string;
  events?: number;
  days?: number;
  seed?: number;
  /** first simulated day, YYYY-MM-DD (default: demoStart(days), so the trail ends today) */
  start?: string;
  /** policy and DR requirements for the reports; default: config.example.yaml */
  config?: string;
  /** skip the PDF (no Chromium start) */
  noPdf?: boolean;
}

export const DEMO_CONFIG = fileURLToPath(new URL('../config.example.yaml', import.meta.url));
const Subject = z.object({ subject: z.string().nullable() });

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
  reports: GenerateResult[];
}

/**
 * The demo's first day: `days` before today, at UTC midnight, so the simulated trail ends where today
 * begins and its reports do not warn that the data is days old. A given start simulates the same
 * trail every time (the seed fixes the rest); only this default moves with the calendar.
 */
export function demoStart(days: number, now: Date = new Date()): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - days * 86_400_000).toISOString().slice(0, 10);
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
    start: options.start ?? demoStart(options.days ?? 7),
    seed: options.seed ?? 42,
    volumeCopies: true,
    dlmFleet: 40,
  });
  const store = await Store.open({ path: db });
  try {
    const ingest = await ingestDir(store, [logs], terminalProgress('ingest'));
    // the simulator signs its digests; its public key verifies them offline
    const verify = await verifyStore(store, { keys: loadPublicKeys(simulated.publicKeyFile!) });
    const lineage = await correlate(store);
    const sources = await store.all('pipeline/demo_event_sources', EventMix);
    const copyCalls = await store.all('pipeline/demo_copy_calls', CopyCalls);
    const config = loadConfig(options.config ?? DEMO_CONFIG);
    const { subject } = await store.one('pipeline/demo_forensics_subject', Subject);
    const formats = options.noPdf ? (['html', 'json'] as const) : (['html', 'pdf', 'json'] as const);
    const pdf = options.noPdf ? undefined : new PdfRenderer(config.reports.chromium);
    const reports: GenerateResult[] = [];
    try {
      for (const id of REPORT_IDS) {
        if (id === 'forensics' && !subject) continue;
        reports.push(
          await generateReport(store, {
            id,
            config,
            formats: [...formats],
            out: join(out, 'reports'),
            subject: id === 'forensics' ? subject : null,
            pdf,
          }),
        );
      }
    } finally {
      await pdf?.close();
    }
    return { out, db, simulated, ingest, verify, correlate: lineage, sources, copyCalls, reports };
  } finally {
    store.close();
  }
}
