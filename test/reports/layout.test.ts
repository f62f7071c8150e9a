// Report layout: page one (verdict, scope, policy, chart), failures before passes, bounded pages,
// ids that never break inside a token, charts whose labels do not collide, a lineage graph that
// fits the page, and PDF pages that each carry their number, the report id and the generation time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { CAPS, idMarkup, proseMarkup, renderHtml, WRAP_FROM } from '../../reports/html.ts';
import { reportId, verdict } from '../../reports/model.ts';
import { PdfRenderer, pageTemplates } from '../../reports/pdf.ts';
import {
  ageChart,
  fitSvg,
  GRAPH_BOX,
  lineageGraph,
  MAX_GRAPH_EDGES,
  niceTicks,
  textWidth,
} from '../../reports/svg.ts';
import { simulate } from '../../simulator/simulate.ts';
import { A1, copySnapshot, createSnapshot, share } from '../correlate/fixtures.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { buildScenario, KEY_E1, OUTSIDER, POLICY, UNTIL } from './scenario.ts';

const NOW = new Date('2026-04-01T12:00:00Z');

const svgOf = (uri: string) =>
  Buffer.from(uri.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8');

/** Each PDF page's text as lines (items on one baseline joined), read back with pdfjs. */
async function pdfLines(file: string): Promise<string[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(file)), useSystemFonts: false })
    .promise;
  const pages: string[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    const byY = new Map<number, string>();
    for (const item of content.items) {
      if (!('str' in item)) continue;
      const y = Math.round(item.transform[5] as number);
      byY.set(y, (byY.get(y) ?? '') + item.str);
    }
    pages.push([...byY].sort((a, b) => b[0] - a[0]).map(([, text]) => text));
  }
  await doc.destroy();
  return pages;
}

const compact = (s: string) => s.replace(/\s+/g, '');

/** ARNs, resource ids and account ids anywhere in a view model. */
function modelIds(model: unknown): Set<string> {
  const ids = new Set<string>();
  const json = JSON.stringify(model);
  for (const m of json.matchAll(
    /arn:aws[a-z-]*:[^\s"',;()<>]+|\b(?:snap|vol|ami|db|cluster|fs|mrk)-[0-9a-zA-Z]{6,}\b|\b\d{12}\b/g,
  ))
    ids.add(m[0]);
  return ids;
}

const occurrences = (text: string, id: string) => text.split(id).length - 1;

/**
 * The printed ids that run across a line break somewhere: an id occurs more often in the text read
 * as one string than within single lines. Ids the page does not print are skipped.
 */
function splitIds(pages: string[][], ids: Set<string>): { printed: number; split: string[] } {
  const lines = pages.flat().map(compact);
  const whole = lines.join('');
  let printed = 0;
  const split: string[] = [];
  for (const id of ids) {
    const all = occurrences(whole, id);
    if (all === 0) continue;
    printed++;
    if (lines.reduce((n, l) => n + occurrences(l, id), 0) < all) split.push(id);
  }
  return { printed, split };
}

describe('id cells', () => {
  it('break only after : / - . _ (a <wbr> there), never inside a token', () => {
    expect(String(idMarkup('arn:aws:ec2:us-east-1::snapshot/snap-0abc'))).toBe(
      'arn:<wbr>aws:<wbr>ec2:<wbr>us-<wbr>east-<wbr>1:<wbr>:<wbr>snapshot/<wbr>snap-<wbr>0abc',
    );
    expect(String(idMarkup(`role_name.x/${'s'.repeat(30)}`))).toBe(
      `role_<wbr>name.<wbr>x/<wbr>${'s'.repeat(30)}`,
    );
    // negative: an id short enough to fit any column whole gets no break point (each <wbr> costs PDF
    // bytes), nor does a token with no break character; null prints nothing
    expect(String(idMarkup('snap-0aaaaaaaaaaaaaa13'))).toBe('snap-0aaaaaaaaaaaaaa13');
    expect(String(idMarkup('1'.repeat(WRAP_FROM + 5)))).toBe('1'.repeat(WRAP_FROM + 5));
    expect(String(idMarkup(null))).toBe('');
  });

  it('escape record text first: no tag survives and no entity is split by a <wbr>', () => {
    const out = String(idMarkup('arn:aws:ec2:eu-west-1::snapshot/snap-0"><script>alert(1)</script>&x=`y`'));
    expect(out).not.toMatch(/<script/i);
    expect(out.replaceAll('<wbr>', '')).toBe(
      'arn:aws:ec2:eu-west-1::snapshot/snap-0&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x&#x3D;&#x60;y&#x60;',
    );
    // every <wbr> follows a break character
    expect(out).toContain('&lt;/<wbr>script&gt;');
    for (const m of out.matchAll(/(.)<wbr>/g)) expect(':/-._').toContain(m[1]);
    const prose = String(
      proseMarkup('copied to <b>eu-west-2</b> by arn:aws:iam::111122223333:role/DrOperatorRole'),
    );
    expect(prose).not.toMatch(/<b>/);
    expect(prose).toContain(
      '<span class="tok">arn:<wbr>aws:<wbr>iam:<wbr>:<wbr>111122223333:<wbr>role/<wbr>DrOperatorRole</span>',
    );
    // a short word is kept whole with no break point; a word with no break character is left as it is
    expect(prose).toContain('<span class="tok">&lt;b&gt;eu-west-2&lt;/b&gt;</span>');
    expect(prose.startsWith('copied to ')).toBe(true);
  });
});

describe('verdict and report id', () => {
  it('FAIL on any fail, UNKNOWN on any unknown or nothing judged, else PASS, with the counts', () => {
    expect(verdict({ fail: 12, unknown: 3, pass: 240, total: 255 }).line).toBe(
      'FAIL — 12 fail, 3 unknown, 240 pass',
    );
    expect(verdict({ fail: 0, unknown: 1, pass: 1200, total: 1201 }).line).toBe(
      'UNKNOWN — 0 fail, 1 unknown, 1,200 pass',
    );
    expect(verdict({ fail: 0, unknown: 0, pass: 4, total: 4 }).verdict).toBe('PASS');
    // negative: no findings is not a pass
    expect(verdict({ fail: 0, unknown: 0, pass: 0, total: 0 }).verdict).toBe('UNKNOWN');
  });

  it('the report id is UUID-shaped and stable for the same inputs, different for another subject or clock', () => {
    const h = {
      report: 'forensics',
      generated_at: '2026-04-01T12:00:00Z',
      subject: '111122223333',
      since: null,
      until: '2026-03-03T00:00:00Z',
      organization: 'Org',
    };
    const id = reportId(h);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reportId({ ...h })).toBe(id);
    expect(reportId({ ...h, subject: '444455556666' })).not.toBe(id);
    expect(reportId({ ...h, generated_at: '2026-04-01T12:00:01Z' })).not.toBe(id);
  });

  it('the PDF footer and header escape what they print', () => {
    const t = pageTemplates({
      title: '<script>alert(1)</script>',
      generatedAt: '<img src=x>',
      reportId: '"><b>x</b>',
      paper: 'A4',
    });
    for (const part of [t.header, t.footer]) {
      expect(part).not.toMatch(/<script|<img|<b>/i);
    }
    expect(t.footer).toContain('report &quot;&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(t.footer).toContain('<span class="pageNumber"></span> of <span class="totalPages"></span>');
  });
});

describe('charts', () => {
  /** tick labels as [x, text], from the chart's SVG */
  const ticks = (svg: string) =>
    [...svg.matchAll(/<text class="tick" x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map(
      (m) => [Number(m[1]), m[2]!] as const,
    );

  it('DR age chart: tick labels never overlap, at round values, whatever the longest age', () => {
    for (const age of [0.4, 3, 23.5, 97, 240, 1000, 7321, 26_280, 99_999, 1_234_567]) {
      const svg = svgOf(
        ageChart([
          { label: 'vol-1 → any other region', ageHours: age, rpoHours: 24, status: 'fail' },
          { label: 'vol-2 → any other region', ageHours: null, rpoHours: 24, status: 'unknown' },
        ]),
      );
      const t = ticks(svg);
      expect(t.length, `ticks at ${age} h`).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < t.length; i++) {
        const [x0, l0] = t[i - 1]!;
        const [x1, l1] = t[i]!;
        // centred labels: half of each plus a gap must fit between their centres
        expect(x1 - x0, `${l0} and ${l1} at ${age} h`).toBeGreaterThanOrEqual(
          (textWidth(l0, 10) + textWidth(l1, 10)) / 2 + 4,
        );
      }
      // round steps: 1, 2 or 5 times a power of ten
      const values = t.map(([, l]) => Number(l.replaceAll(',', '')));
      const step = values[1]! - values[0]!;
      expect(step / 10 ** Math.floor(Math.log10(step))).toSatisfy((m: number) =>
        [1, 2, 5].some((k) => Math.abs(m - k) < 1e-9),
      );
    }
  });

  it('niceTicks thins a crowded axis (negative: a wide axis keeps more ticks)', () => {
    expect(niceTicks(1_000_000, 120, 10).length).toBeLessThan(niceTicks(1_000_000, 1200, 10).length);
  });

  it('the lineage graph fits the page-one box, keeping its proportions; a small graph is not enlarged', async () => {
    // a box inside the printable area of landscape A4 and Letter (297/279 mm wide, 210/216 mm high, 12 mm side margins)
    const px = (mm: number) => (mm / 25.4) * 96;
    expect(GRAPH_BOX.width).toBeLessThanOrEqual(px(279.4 - 24));
    // and no taller than the 60 mm page one keeps for its picture (styles: .page-one figure img)
    expect(GRAPH_BOX.height).toBeLessThanOrEqual(px(60));
    const edges = Array.from({ length: 40 }, (_, i) => ({
      from: { id: `snap-${String(i).padStart(17, '0')}`, region: 'us-east-1', account: '111122223333' },
      to: { id: `snap-${String(i + 1).padStart(17, '0')}`, region: 'eu-west-1', account: '444455556666' },
      label: `CopySnapshot (manual)\n2026-03-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
      flagged: i % 3 === 0,
      failed: false,
    }));
    const big = await lineageGraph(edges.slice(0, MAX_GRAPH_EDGES));
    const svg = svgOf(big.uri);
    const [, w, h] = /<svg[^>]*\swidth="([\d.]+)px"\s+height="([\d.]+)px"/.exec(svg)!;
    const [, vw, vh] = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(svg)!;
    expect(Number(w)).toBeLessThanOrEqual(GRAPH_BOX.width);
    expect(Number(h)).toBeLessThanOrEqual(GRAPH_BOX.height);
    // drawn at its own proportions (scaled, not stretched), and really scaled down
    expect(Number(w) / Number(h)).toBeCloseTo(Number(vw) / Number(vh), 1);
    expect(Number(vh)).toBeGreaterThan(GRAPH_BOX.height);
    expect(big.shown).toBe(MAX_GRAPH_EDGES);
    // past the cap, flagged copies are drawn first and the count says how many were left out
    const capped = await lineageGraph(edges);
    expect([capped.shown, capped.total]).toEqual([MAX_GRAPH_EDGES, 40]);
    const drawn = svgOf(capped.uri);
    for (const e of edges.filter((x) => x.flagged)) expect(drawn).toContain(e.to.id.slice(5));
    const small = svgOf((await lineageGraph(edges.slice(0, 1))).uri);
    const [, sw] = /<svg[^>]*\swidth="([\d.]+)px"/.exec(small)!;
    const [, svw] = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) /.exec(small)!;
    expect(Number(sw)).toBeCloseTo((Number(svw) * 4) / 3, 0);
    // fitSvg leaves a picture it cannot read alone
    expect(fitSvg('<svg width="10" height="10"></svg>')).toBe('<svg width="10" height="10"></svg>');
  });
});

describe('bounded pages on named scenarios', () => {
  it('residency: failures first, passing rows summarised, and a table past its cap says how many rows the JSON holds', async () => {
    const store = await memoryStore();
    await buildScenario(store, tempDir());
    const r = await generateReport(store, {
      id: 'residency',
      config: POLICY,
      formats: ['json'],
      out: tempDir(),
      now: NOW,
    });
    const model = r.model as Parameters<typeof renderHtml>[1] & {
      findings: { status: string; resource_arn: string }[];
      keys: unknown[];
    };
    const html = renderHtml('residency', model);
    // page one: verdict, scope with what was not ingested, policy, chart, in that order, before the failures
    const order = [
      'class="verdict verdict-fail">FAIL — 3 fail,',
      '<h2>Scope</h2>',
      '<dt>Not ingested</dt>',
      '<h2>Policy</h2>',
      'alt="Stacked bars: findings per jurisdiction',
      '>Failures</h2>',
      '<h2>Passing, summarised</h2>',
      'Appendix A: passing rows',
      'Appendix B: coverage detail',
    ].map((s) => html.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // the failing snapshot is listed before the appendix, the passing one only after it
    const appendix = html.indexOf('Appendix A: passing rows');
    expect(html.indexOf('snapshot/<wbr>snap-<wbr>0aaaaaaaaaaaaaa13')).toBeLessThan(appendix);
    expect(html.indexOf('snapshot/<wbr>snap-<wbr>0aaaaaaaaaaaaaa12')).toBeGreaterThan(appendix);
    expect(html).not.toContain('Showing ');

    // the same model with thousands of findings and keys: the page holds to its caps
    type Finding = (typeof model.findings)[number];
    const fails: Finding[] = Array.from({ length: 1234 }, (_, i) => ({
      ...model.findings[0]!,
      status: 'fail' as const,
      resource_arn: `arn:aws:ec2:ap-southeast-2::snapshot/snap-${String(i).padStart(17, '0')}`,
    }));
    const passes: Finding[] = Array.from({ length: 3210 }, (_, i) => ({
      ...model.findings.find((f) => f.status === 'pass')!,
      resource_arn: `arn:aws:ec2:us-west-2::snapshot/snap-p${String(i).padStart(16, '0')}`,
    }));
    const keys = Array.from({ length: 777 }, (_, i) => ({
      ...(model.keys[0] as object),
      key_arn: `arn:aws:kms:us-east-1:111122223333:key/k${i}`,
    }));
    const render = (nFail: Finding[], nPass: Finding[]) =>
      renderHtml('residency', {
        ...model,
        findings: [...nFail, ...nPass],
        summary: { fail: nFail.length, unknown: 0, pass: nPass.length, total: nFail.length + nPass.length },
        keys,
      });
    const big = render(fails, passes);
    expect((big.match(/<tbody class="finding">/g) ?? []).length).toBe(CAPS.failing + CAPS.passing);
    expect(big).toContain(`Showing ${CAPS.failing} of 1,234 failing or unknown findings`);
    expect(big).toContain(`Showing ${CAPS.passing} of 3,210 passing findings`);
    expect(big).toContain(`Showing 50 of 777 keys`);
    expect(big).toContain('FAIL — 1,234 fail, 0 unknown, 3,210 pass');
    // passing rows summarised: the count per check and region adds up to every passing row
    expect(big).toContain('<td class="num">3,210</td></tr>');
    expect(big).toMatch(/Total \(1 group\(s\)\)<\/td><td class="num">3,210</);
    // bounded: ten times the rows make a page of the same size (only the counts in it change)
    const bigger = render(
      Array.from({ length: 10 }, () => fails).flat(),
      Array.from({ length: 10 }, () => passes).flat(),
    );
    expect(Math.abs(bigger.length - big.length)).toBeLessThan(1000);
  });
});

describe('PDF pages', () => {
  let store: Store;
  let pdf: PdfRenderer;
  let dir: string;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    dir = mkdtempSync(join(tmpdir(), 'copytrail-layout-test-'));
    // the golden simulation: SSO session ARNs past 100 characters, recovery-point ARNs, long RDS names
    simulate({ out: dir, events: 4000, days: 2, seed: 11, digests: false, start: '2026-03-01' });
    await ingestDir(store, [dir]);
    await correlate(store);
    pdf = new PdfRenderer(POLICY.reports.chromium);
  });
  afterAll(async () => {
    await pdf.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = Config.parse({ ...POLICY, organization: 'Layout Org', dr: { requirements: [] } });

  for (const [id, subject, caption] of [
    ['residency', null, 'Findings per jurisdiction of the region the data is in'],
    ['dr_coverage', null, 'oldest first within fail, unknown, pass'],
    ['forensics', '904657914468', 'Boxes are artifact locations'],
  ] as const) {
    it(`${id}: page one, "page N of M" with the report id and generation time on every page, and no printed id split across lines`, async () => {
      const r = await generateReport(store, {
        id,
        config,
        formats: ['pdf', 'json'],
        out: tempDir(),
        now: NOW,
        subject,
        pdf,
      });
      const header = r.model.header as { report_id: string; generated_at: string };
      const pages = await pdfLines(r.files.find((f) => f.format === 'pdf')!.path);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      pages.forEach((lines, i) => {
        const text = lines.map(compact);
        expect(text, `page ${i + 1}`).toContain(
          compact(
            `report ${header.report_id} · generated ${header.generated_at}page ${i + 1} of ${pages.length}`,
          ),
        );
      });
      // page one: the verdict, the scope and the policy
      const one = pages[0]!.map(compact).join('\n');
      const s = r.model.summary;
      expect(one).toContain(compact(verdict(s).line));
      for (const word of ['Scope', 'Accounts', 'Regions', 'Window', 'Notingested', 'Policy'])
        expect(one).toContain(word);
      // and the chart, whole on page one (its caption is part of its figure, which does not break)
      expect(one).toContain(compact(caption));
      const ids = modelIds(r.model);
      const { printed, split } = splitIds(pages, ids);
      expect(printed).toBeGreaterThan(10);
      expect(split).toEqual([]);
    });
  }
});

/** An SSO session ARN as long as IAM allows in practice: a 57-character role, a 41-character session. */
const LONG_PRINCIPAL = `arn:aws:sts::${A1}:assumed-role/AWSReservedSSO_PlatformEngineeringAdmins_0123456789abcdef/firstname.lastname@subsidiary.example.com`;

describe('a store with long ARNs', () => {
  it('no printed id or ARN is split across lines in any report (chains, shares, copies, timeline)', async () => {
    const store = await memoryStore();
    const who = { type: 'AssumedRole', arn: LONG_PRINCIPAL, accountId: A1 };
    const extra: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      const n = String(i).padStart(2, '0');
      extra.push(
        createSnapshot(
          `2026-03-02T0${i}:10:00Z`,
          'us-east-1',
          A1,
          `vol-0dddddddddddddd${n}`,
          `snap-0ddddddddddddd${n}0`,
          KEY_E1,
        ),
        copySnapshot({
          at: `2026-03-02T0${i}:20:00Z`,
          region: 'us-west-2',
          account: A1,
          sourceRegion: 'us-east-1',
          sourceSnap: `snap-0ddddddddddddd${n}0`,
          newSnap: `snap-0ddddddddddddd${n}1`,
          identity: who,
        }),
        copySnapshot({
          at: `2026-03-02T0${i}:30:00Z`,
          region: 'ap-southeast-2',
          account: A1,
          sourceRegion: 'us-west-2',
          sourceSnap: `snap-0ddddddddddddd${n}1`,
          newSnap: `snap-0ddddddddddddd${n}2`,
          identity: who,
        }),
        {
          ...share(`2026-03-02T0${i}:40:00Z`, 'us-east-1', A1, `snap-0ddddddddddddd${n}0`, OUTSIDER),
          userIdentity: who,
        },
      );
    }
    await buildScenario(store, tempDir(), extra);
    const pdf = new PdfRenderer(POLICY.reports.chromium);
    try {
      for (const [id, subject] of [
        ['residency', null],
        ['forensics', LONG_PRINCIPAL],
        ['dr_coverage', null],
      ] as const) {
        const r = await generateReport(store, {
          id,
          config: POLICY,
          formats: ['pdf'],
          out: tempDir(),
          now: NOW,
          subject,
          pdf,
          until: id === 'dr_coverage' ? UNTIL : null,
        });
        const pages = await pdfLines(r.files[0]!.path);
        const { printed, split } = splitIds(pages, modelIds(r.model));
        expect(printed, id).toBeGreaterThan(5);
        expect(split, id).toEqual([]);
        if (id !== 'dr_coverage')
          expect(
            pages
              .flat()
              .map(compact)
              .some((l) => l.includes(LONG_PRINCIPAL)),
          ).toBe(true);
      }
    } finally {
      await pdf.close();
    }
  });
});
