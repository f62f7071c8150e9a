// Renders one report: builds its view model, writes the chosen formats, then the evidence manifest
// (inputs with their hashes and digest status, the queries run, versions, and each output's hash).
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../core/config.ts';
import { isoSeconds, normalizeInstant } from '../core/time.ts';
import { VERSION } from '../core/version.ts';
import type { Store } from '../queries/store.ts';
import { ReportContext, type ReportWindow } from './context.ts';
import { dataWindow } from './coverage.ts';
import { renderHtml } from './html.ts';
import type { Format } from './ids.ts';
import { type Header, reportId } from './model.ts';
import type { PdfRenderer } from './pdf.ts';
import { REPORTS, type ReportId } from './registry.ts';

export { VERSION } from '../core/version.ts';
export { FORMATS, type Format } from './ids.ts';

export interface GenerateOptions {
  id: ReportId;
  config: Config;
  formats: Format[];
  out: string;
  since?: string | null;
  until?: string | null;
  subject?: string | null;
  /** the report's clock: pinned in tests and golden files */
  now?: Date;
  /** file name without extension; default: the report id (and subject) */
  name?: string;
  pdf?: PdfRenderer;
  /** A stop (SIGINT/SIGTERM): no file is started after it. */
  signal?: AbortSignal;
}

export interface OutputFile {
  format: Format | 'manifest';
  path: string;
  sha256: string;
  bytes: number;
}

export interface GenerateResult {
  id: ReportId;
  files: OutputFile[];
  manifest: string;
  model: Record<string, unknown> & {
    summary: { pass: number; fail: number; unknown: number; total: number };
  };
  blockedRequests: string[];
}

const Input = z.object({
  location: z.string(),
  source: z.string(),
  kind: z.string(),
  sha256: z.string().nullable(),
  size: z.coerce.number().nullable(),
  status: z.string(),
  digest_status: z.string(),
});

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);

export async function generateReport(store: Store, options: GenerateOptions): Promise<GenerateResult> {
  const def = REPORTS[options.id];
  const now = options.now ?? new Date();
  const since = normalizeInstant(options.since, '--since', now);
  const until = normalizeInstant(options.until, '--until', now);
  if (since && until && since >= until) throw new Error(`--since ${since} is not before --until ${until}`);
  if (def.needsSubject && !options.subject) {
    throw new Error(
      `the ${def.id} report needs --subject (an artifact id or ARN, a key, a principal ARN or an account id)`,
    );
  }
  const data = await dataWindow(store);
  // ages are measured at --until, else where ingested data ends (never in the future)
  const end = data.coverage_end ?? data.last_event;
  const asOf = until ?? (end && Date.parse(end) < now.getTime() ? end : isoSeconds(now));
  const window: ReportWindow = { since, until, asOf };
  const ctx = new ReportContext(store, options.config, window, isoSeconds(now), options.subject ?? null);
  const filters: Header['filters'] = [];
  if (options.config.dr.requirements.length && def.id === 'dr_coverage') {
    filters.push({ name: 'Requirements', value: options.config.dr.requirements.map((r) => r.id).join(', ') });
  }
  const header: Header = {
    report: def.id,
    report_id: reportId({
      report: def.id,
      generated_at: isoSeconds(now),
      subject: options.subject ?? null,
      since,
      until,
      organization: options.config.organization,
    }),
    title: def.title,
    organization: options.config.organization,
    generated_at: isoSeconds(now),
    as_of: asOf,
    since,
    until,
    subject: options.subject ?? null,
    filters,
    version: VERSION,
  };
  const model = def.model.parse(await def.build(ctx, header)) as GenerateResult['model'] & {
    findings: Parameters<typeof renderHtml>[1]['findings'];
  };

  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const base = options.name ?? (options.subject ? `${def.id}-${slug(options.subject)}` : def.id);
  const files: OutputFile[] = [];
  const write = (format: OutputFile['format'], ext: string, data: string | Buffer) => {
    const path = join(out, `${base}.${ext}`);
    options.signal?.throwIfAborted();
    writeAtomic(path, data);
    files.push({ format, path, sha256: sha256(data), bytes: Buffer.byteLength(data) });
  };
  let blocked: string[] = [];
  if (options.formats.includes('json')) write('json', 'json', `${JSON.stringify(model, null, 2)}\n`);
  if (options.formats.includes('html') || options.formats.includes('pdf')) {
    const html = renderHtml(def.id, model);
    if (options.formats.includes('html')) write('html', 'html', html);
    if (options.formats.includes('pdf')) {
      if (!options.pdf) throw new Error('PDF output needs a renderer');
      options.signal?.throwIfAborted();
      const printed = await options.pdf.print(html, {
        title: `${def.title} · ${options.config.organization}`,
        generatedAt: isoSeconds(now),
        reportId: header.report_id,
        paper: options.config.reports.paper,
      });
      blocked = printed.blocked;
      write('pdf', 'pdf', printed.pdf);
    }
  }

  const inputs = await store.all('reports/common/inputs', Input);
  const manifest = {
    tool: { name: 'copytrail', version: VERSION, node: process.version },
    report: def.id,
    generated_at: isoSeconds(now),
    window,
    subject: options.subject ?? null,
    config: options.config,
    summary: model.summary,
    inputs,
    queries: ctx.queryTexts(),
    outputs: files.map((f) => ({
      file: f.path.slice(out.length + 1),
      format: f.format,
      sha256: f.sha256,
      bytes: f.bytes,
    })),
  };
  const manifestPath = join(out, `${base}.manifest.json`);
  options.signal?.throwIfAborted();
  writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { id: def.id, files, manifest: manifestPath, model, blockedRequests: blocked };
}

/** A report file appears whole or not at all: a run killed mid-write leaves the previous one. */
function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.partial`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
