// `node --import tsx bench/report-scale.ts --db STORE [--config FILE] [--repeat N] [--reports a,b]
// [--subject ID] [--no-pdf] [--out DIR]`: times every report in every format on a store that is
// already built (ingested and correlated), then the report targets of the performance issue, each
// met or not. Reports only read the store: it is opened read-only and never changed.
// Each format set runs --repeat times (min and median shown: the machine is shared and noisy),
// after one untimed warm-up that starts Chromium; the fixed costs of a run are measured apart:
// Chromium's start, the inputs ledger (Merkle root + gzipped list) and the manifest's signature.
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../core/config.ts';
import { DEMO_CONFIG } from '../pipeline/demo.ts';
import { Store } from '../queries/store.ts';
import { dataWindow } from '../reports/coverage.ts';
import { type Format, generateReport } from '../reports/generate.ts';
import { writeInputs } from '../reports/manifest.ts';
import { resolveSigningKey } from '../reports/manifest-key.ts';
import { PdfRenderer } from '../reports/pdf.ts';
import { REPORT_IDS, type ReportId } from '../reports/registry.ts';
import { ArtifactRegionRow } from '../reports/rows.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    config: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    reports: { type: 'string', default: REPORT_IDS.join(',') },
    subject: { type: 'string' },
    'no-pdf': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

/** The report targets. */
const HTML_PDF_SECONDS = 3;
const ANY_REPORT_SECONDS = 10;
const PDF_BYTES = 2 * 1024 * 1024;

const FORMAT_SETS: { label: string; formats: Format[] }[] = [
  { label: 'json', formats: ['json'] },
  { label: 'html', formats: ['html'] },
  { label: 'pdf', formats: ['pdf'] },
  { label: 'html+pdf', formats: ['html', 'pdf'] },
  { label: 'oscal+ocsf+csv', formats: ['oscal', 'ocsf', 'csv'] },
  { label: 'all', formats: ['json', 'html', 'pdf', 'oscal', 'ocsf', 'csv'] },
];

/** How big the store is, through the reports' own queries (SQL lives only in queries/). */
async function storeSize(store: Store): Promise<{ text: string; copies: number }> {
  const copies = (await store.rows('reports/residency/copies', { since: null, until: null })).length;
  const regions = await store.all('reports/residency/artifact_regions', ArtifactRegionRow, { until: null });
  const window = await dataWindow(store);
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    copies,
    text: `${n(copies)} copies, ${n(regions.reduce((a, r) => a + r.artifacts, 0))} artifacts (with a region), events ${window.first_event ?? '?'} to ${window.last_event ?? '?'}`,
  };
}

interface Row {
  report: ReportId;
  label: string;
  runs: number[];
  findings: number;
  counts: string;
  pdfBytes: number | null;
  bytes: string;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor((s.length - 1) / 2)]! };
};
const secs = (ms: number) => (ms / 1000).toFixed(2);
const kb = (n: number) => `${Math.round(n / 1024)} KB`;

async function main(): Promise<void> {
  if (!values.db) throw new Error('--db STORE is required: a store already ingested and correlated');
  const repeat = Math.max(1, Number(values.repeat));
  const reports = values.reports.split(',').map((r) => r.trim()) as ReportId[];
  for (const r of reports) if (!REPORT_IDS.includes(r)) throw new Error(`unknown report ${r}`);
  const config = loadConfig(values.config ?? DEMO_CONFIG);
  const store = await Store.open({ path: values.db, readOnly: true });
  const { text: size, copies } = await storeSize(store);
  const subject =
    values.subject ??
    (await store.one('pipeline/demo_forensics_subject', z.object({ subject: z.string().nullable() })))
      .subject;
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'copytrail-report-scale-'));
  const pdf = values['no-pdf'] ? undefined : new PdfRenderer(config.reports.chromium);
  const key = resolveSigningKey(config.reports.signing_key);
  console.log(
    `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`store ${values.db}: ${size}; forensics subject ${subject ?? '(none)'}`);
  const rows: Row[] = [];
  let events: number | null = null;
  const fixed: string[] = [];
  try {
    if (pdf) {
      const t = performance.now();
      await pdf.print('<p>warm-up</p>', { title: 'warm-up', generatedAt: '', paper: 'A4' });
      fixed.push(`| Chromium start (first print, unpack + launch) | ${secs(performance.now() - t)} |`);
    }
    const inputsRuns: number[] = [];
    let ledger = '';
    for (let i = 0; i < repeat; i++) {
      const t = performance.now();
      const inputs = await writeInputs(store, out, 'ledger-only');
      inputsRuns.push(performance.now() - t);
      ledger = `${inputs.summary.count.toLocaleString('en-US')} files, ${kb(inputs.written.bytes)}`;
    }
    const ls = stats(inputsRuns);
    fixed.push(
      `| inputs ledger: Merkle root + gzipped list (${ledger}) | ${secs(ls.min)} min, ${secs(ls.median)} median |`,
    );
    const t = performance.now();
    for (let i = 0; i < 100; i++) sign(null, Buffer.alloc(64 * 1024), key.privateKey);
    fixed.push(
      `| Ed25519 signature of a 64 KB manifest | ${((performance.now() - t) / 100 / 1000).toFixed(4)} |`,
    );

    for (const id of reports) {
      if (id === 'forensics' && !subject) continue;
      for (const set of FORMAT_SETS) {
        const formats = set.formats.filter((f) => f !== 'pdf' || pdf);
        if (!formats.length) continue;
        const runs: number[] = [];
        let last: Awaited<ReturnType<typeof generateReport>> | undefined;
        for (let i = 0; i < repeat; i++) {
          const started = performance.now();
          last = await generateReport(store, {
            id,
            config,
            formats,
            out,
            subject: id === 'forensics' ? subject : null,
            pdf,
            signingKey: key,
          });
          runs.push(performance.now() - started);
        }
        const s = last!.model.summary;
        events ??= (last!.model as { banner?: { events?: number } }).banner?.events ?? null;
        const pdfFile = last!.files.find((f) => f.format === 'pdf');
        rows.push({
          report: id,
          label: set.label,
          runs,
          findings: s.total,
          counts: `${s.fail}/${s.unknown}/${s.pass}`,
          pdfBytes: pdfFile?.bytes ?? null,
          bytes: last!.files
            .filter((f) => f.format !== 'inputs')
            .map((f) => `${f.format} ${kb(f.bytes)}`)
            .join(', '),
        });
        console.error(`${id} ${set.label}: ${runs.map(secs).join(' ')} s`);
      }
    }
  } finally {
    await pdf?.close();
    store.close();
    if (!values.out) rmSync(out, { recursive: true, force: true });
  }

  console.log(`\nevents in the store (the reports' banner): ${events?.toLocaleString('en-US') ?? '?'}`);
  console.log(`\nfixed costs of a report run (seconds; not in the runs below except as each run pays them):`);
  console.log('| cost | seconds |\n|---|---:|');
  for (const f of fixed) console.log(f);
  console.log(
    `\n| report | formats | findings (fail/unknown/pass) | min s | median s | runs | files |\n|---|---|---|---:|---:|---:|---|`,
  );
  for (const r of rows) {
    const s = stats(r.runs);
    console.log(
      `| ${r.report} | ${r.label} | ${r.findings} (${r.counts}) | ${secs(s.min)} | ${secs(s.median)} | ${r.runs.length} | ${r.bytes} |`,
    );
  }
  console.log('\n| target | report | measured (median) | bound | met |\n|---|---|---:|---:|:---:|');
  const target = (what: string, report: string, value: string, bound: string, met: boolean) =>
    console.log(`| ${what} | ${report} | ${value} | ${bound} | ${met ? 'met' : 'NOT MET'} |`);
  for (const r of rows) {
    const m = stats(r.runs).median;
    if (r.label === 'html+pdf' && r.report === 'residency')
      target(
        `HTML+PDF (target set at ~10k copies; here ${copies.toLocaleString('en-US')})`,
        r.report,
        `${secs(m)} s`,
        `<= ${HTML_PDF_SECONDS} s`,
        m <= HTML_PDF_SECONDS * 1000,
      );
    if (r.label === 'all')
      target(
        'every format, one run',
        r.report,
        `${secs(m)} s`,
        `<= ${ANY_REPORT_SECONDS} s`,
        m <= ANY_REPORT_SECONDS * 1000,
      );
    if (r.label === 'pdf' && r.pdfBytes !== null)
      target(
        'PDF size',
        r.report,
        `${(r.pdfBytes / 2 ** 20).toFixed(2)} MB`,
        '<= 2 MB',
        r.pdfBytes <= PDF_BYTES,
      );
  }
  console.log(`\npeak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}

await main();
