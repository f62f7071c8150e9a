// How a report run uses Chromium: started early (warm) and shared, a start that fails reported by
// the print that needed it, untagged PDFs, and the inputs ledger written while Chromium prints
// (present and the same as written alone; removed when the print or the model fails).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { writeInputs } from '../../reports/manifest.ts';
import { PdfError, PdfRenderer } from '../../reports/pdf.ts';
import { tempDir } from '../helpers.ts';
import { buildScenario, POLICY, UNTIL } from './scenario.ts';

const NOW = new Date('2026-04-01T12:00:00Z');
const OPTIONS = { title: 't', generatedAt: '2026-04-01T12:00:00Z', paper: 'A4' } as const;

describe('PDF printing', () => {
  let store: Store;
  let pdf: PdfRenderer;
  let trail: string;
  beforeAll(async () => {
    // one store for the file (memoryStore closes its store after each test)
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    trail = mkdtempSync(join(tmpdir(), 'copytrail-pdf-print-'));
    await buildScenario(store, trail);
    pdf = new PdfRenderer(POLICY.reports.chromium);
  });
  afterAll(async () => {
    await pdf.close();
    store.close();
    rmSync(trail, { recursive: true, force: true });
  });

  it('a Chromium that cannot start fails the print that needs it, naming the path; warm() alone throws nothing', async () => {
    const missing = new PdfRenderer('/nonexistent/chromium-for-test');
    missing.warm();
    missing.warm();
    await expect(missing.print('<p>x</p>', OPTIONS)).rejects.toThrow(PdfError);
    await expect(missing.print('<p>x</p>', OPTIONS)).rejects.toThrow('/nonexistent/chromium-for-test');
    await missing.close();
  });

  it('warmed twice, one browser prints; the PDF has no structure tree (untagged)', async () => {
    pdf.warm();
    pdf.warm();
    const [a, b] = await Promise.all([pdf.print('<p>one</p>', OPTIONS), pdf.print('<p>two</p>', OPTIONS)]);
    for (const r of [a, b]) {
      const text = r.pdf.toString('latin1');
      expect(text.startsWith('%PDF-')).toBe(true);
      expect(text).not.toContain('/StructTreeRoot');
      expect(text).not.toContain('/StructElem');
    }
  });

  it('reports.pdf_tagged: a report asked for a tagged PDF gets a structure tree for screen readers', async () => {
    const tagged = await pdf.print('<h1>Residency</h1><p>one</p>', { ...OPTIONS, tagged: true });
    const text = tagged.pdf.toString('latin1');
    expect(text).toContain('/StructTreeRoot');
    const out = tempDir();
    await generateReport(store, {
      id: 'residency',
      formats: ['pdf'],
      out,
      now: NOW,
      until: UNTIL,
      pdf,
      config: { ...POLICY, reports: { ...POLICY.reports, pdf_tagged: true } },
    });
    const file = readdirSync(out).find((f) => f.endsWith('.pdf'))!;
    expect(readFileSync(join(out, file)).toString('latin1')).toContain('/StructTreeRoot');
  });

  it('with a PDF, the inputs ledger is written beside it (the same as written alone), after it in the outputs', async () => {
    const out = tempDir();
    const r = await generateReport(store, {
      id: 'residency',
      config: POLICY,
      formats: ['html', 'pdf'],
      out,
      until: UNTIL,
      now: NOW,
      pdf,
    });
    expect(r.files.map((f) => f.format)).toEqual(['html', 'pdf', 'inputs']);
    const alone = await writeInputs(store, tempDir(), 'residency');
    const inputs = r.files.find((f) => f.format === 'inputs')!;
    expect(inputs.sha256).toBe(alone.written.sha256);
    const manifest = JSON.parse(readFileSync(r.manifest, 'utf8')) as { inputs: unknown };
    expect(manifest.inputs).toEqual(alone.summary);
  });

  it('a print that fails leaves no ledger and no manifest behind', async () => {
    const out = tempDir();
    const broken = new PdfRenderer('/nonexistent/chromium-for-test');
    await expect(
      generateReport(store, {
        id: 'residency',
        config: POLICY,
        formats: ['pdf'],
        out,
        until: UNTIL,
        now: NOW,
        pdf: broken,
      }),
    ).rejects.toThrow(PdfError);
    await broken.close();
    expect(existsSync(join(out, 'residency.inputs.jsonl.gz'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a report whose model cannot be built leaves no ledger behind (the ledger starts with the run)', async () => {
    const out = tempDir();
    await expect(
      generateReport(store, {
        id: 'forensics',
        config: POLICY,
        formats: ['json'],
        out,
        now: NOW,
        subject: 'snap-0nothingnothing0',
      }),
    ).rejects.toThrow(/matches no copy/);
    expect(readdirSync(out)).toEqual([]);
  });
});
