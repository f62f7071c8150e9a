// Renders one report: builds its view model, writes the chosen formats, then the signed evidence
// manifest (reports/manifest.ts: the inputs' Merkle root and list, the queries run, each output's hash).
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { warn } from '../core/cli-kit.ts';
import type { Config } from '../core/config.ts';
import { isoSeconds, normalizeInstant } from '../core/time.ts';
import { VERSION } from '../core/version.ts';
import type { Store } from '../queries/store.ts';
import { sweepPartials, writeAtomic } from './atomic-write.ts';
import { ReportContext, type ReportWindow } from './context.ts';
import { dataWindow } from './coverage.ts';
import { FINDING_EXT, findingFormats, renderFindings } from './findings/index.ts';
import { renderHtml } from './html.ts';
import type { Format } from './ids.ts';
import { blocks, jsonPieces } from './json-stream.ts';
import { writeInputs, writeManifest } from './manifest.ts';
import { resolveSigningKey, type SigningKey } from './manifest-key.ts';
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
  /** the manifest's signing key; default: COPYTRAIL_SIGNING_KEY, reports.signing_key, else the per-user key */
  signingKey?: SigningKey;
}

export interface OutputFile {
  format: Format | 'manifest' | 'inputs';
  path: string;
  sha256: string;
  bytes: number;
}

export interface GenerateResult {
  id: ReportId;
  files: OutputFile[];
  manifest: string;
  /** the detached Ed25519 signature of the manifest's bytes */
  signature: string;
  signer: {
    keyId: string;
    publicKey: string;
    origin: SigningKey['origin'];
    path: string | null;
    warning: string | null;
  };
  model: Record<string, unknown> & {
    summary: { pass: number; fail: number; unknown: number; total: number };
  };
  blockedRequests: string[];
}

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
  // a key that is configured but unreadable stops the report before any work or file
  const key = options.signingKey ?? resolveSigningKey(options.config.reports.signing_key);
  if (options.formats.includes('pdf')) options.pdf?.warm();
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
  const swept = sweepPartials(out);
  if (swept.length) warn(`removed ${swept.length} half-written file(s) left in ${out} by an interrupted run`);
  const base = options.name ?? (options.subject ? `${def.id}-${slug(options.subject)}` : def.id);
  const files: OutputFile[] = [];
  /** data: a string, a buffer, or pieces of either, written as they come */
  const write = (
    format: OutputFile['format'],
    ext: string,
    data: string | Buffer | Iterable<string | Buffer>,
  ) => {
    const path = join(out, `${base}.${ext}`);
    options.signal?.throwIfAborted();
    const { sha256, bytes } = writeAtomic(path, data);
    files.push({ format, path, sha256, bytes });
  };
  let blocked: string[] = [];
  // the JSON is written piece by piece: the same bytes as JSON.stringify(model, null, 2) without the one giant string
  if (options.formats.includes('json')) write('json', 'json', blocks(jsonDocument(model)));
  for (const f of findingFormats(options.formats))
    write(f, FINDING_EXT[f], renderFindings(f, def, model, header));
  let inputsRun: Promise<Awaited<ReturnType<typeof writeInputs>>> | null = null;
  try {
    if (options.formats.includes('html') || options.formats.includes('pdf')) {
      const html = renderHtml(def.id, model);
      if (options.formats.includes('html')) write('html', 'html', html);
      if (options.formats.includes('pdf')) {
        if (!options.pdf) throw new Error('PDF output needs a renderer');
        options.signal?.throwIfAborted();
        // the inputs ledger (a query, a hash per file, gzip) needs no model: it runs while Chromium
        // prints, when this process only waits; no other query runs on the store meanwhile
        inputsRun = writeInputs(store, out, base);
        inputsRun.catch(() => {});
        const printed = await options.pdf.print(html, {
          title: `${def.title} · ${options.config.organization}`,
          generatedAt: isoSeconds(now),
          reportId: header.report_id,
          paper: options.config.reports.paper,
          tagged: options.config.reports.pdf_tagged,
        });
        blocked = printed.blocked;
        write('pdf', 'pdf', printed.pdf);
      }
    }
    options.signal?.throwIfAborted();
  } catch (err) {
    // a report that stops here leaves no ledger of its own for a manifest that was never written
    const done = inputsRun ? await inputsRun.catch(() => null) : null;
    if (done) rmSync(done.path, { force: true });
    throw err;
  }
  const inputs = await (inputsRun ?? writeInputs(store, out, base));
  files.push({ format: 'inputs', path: inputs.path, ...inputs.written });
  options.signal?.throwIfAborted();
  const reportHeader = (model as { header?: { report_id?: unknown } }).header;
  const manifest = writeManifest(
    out,
    base,
    {
      report: def.id,
      report_id: typeof reportHeader?.report_id === 'string' ? reportHeader.report_id : null,
      generated_at: isoSeconds(now),
      window,
      subject: options.subject ?? null,
      config: options.config,
      summary: model.summary,
      inputs: inputs.summary,
      queries: ctx.queryTexts(),
      outputs: files.map((f) => ({
        file: f.path.slice(out.length + 1),
        format: f.format,
        sha256: f.sha256,
        bytes: f.bytes,
      })),
    },
    key,
  );
  return {
    id: def.id,
    files,
    manifest: manifest.path,
    signature: manifest.signaturePath,
    signer: {
      keyId: key.keyId,
      publicKey: key.publicKeyB64,
      origin: key.origin,
      path: key.path,
      warning: key.warning,
    },
    model,
    blockedRequests: blocked,
  };
}

/** The JSON report: the model as JSON.stringify(model, null, 2) writes it, and a final newline. */
function* jsonDocument(model: unknown): Generator<string> {
  yield* jsonPieces(model);
  yield '\n';
}
