// Reports end to end: the view models' verdicts on named scenarios, golden HTML from a pinned
// simulation, the PDF read back, hostile record text rendered inert, and a renderer that reaches
// nothing on the network.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { chromiumPath, LAUNCH_ATTEMPTS, PdfError, PdfRenderer } from '../../reports/pdf.ts';
import { REPORT_IDS } from '../../reports/registry.ts';
import { simulate } from '../../simulator/simulate.ts';
import { A1, A2, copySnapshot, createSnapshot, kms } from '../correlate/fixtures.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { buildScenario, KEY_E1, OUTSIDER, POLICY, UNTIL } from './scenario.ts';

const NOW = new Date('2026-04-01T12:00:00Z');
const GOLDEN = join(import.meta.dirname, 'golden');

async function pdfText(file: string): Promise<{ pages: number; text: string }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(file)), useSystemFonts: false })
    .promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    parts.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
  }
  await doc.destroy();
  return { pages: doc.numPages, text: parts.join('\n').replace(/\s+/g, ' ') };
}

/** a store and folder that live for a whole describe block (helpers' ones end with each test) */
async function suiteStore(): Promise<{ store: Store; dir: string; close: () => void }> {
  const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-report-test-'));
  return {
    store,
    dir,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const compact = (s: string) => s.replace(/\s+/g, '');

type AnyFinding = { status: string; check: string; resource_arn: string; reason: string; chain?: unknown[] };

describe('reports on named scenarios', () => {
  let store: Store;
  let out: string;
  let close: () => void;
  beforeAll(async () => {
    const s = await suiteStore();
    ({ store, close } = s);
    out = join(s.dir, 'out');
    mkdirSync(join(s.dir, 'trail'));
    await buildScenario(store, join(s.dir, 'trail'));
  });
  afterAll(() => close());

  it('residency: a copy to ap-southeast-2 and one to eu-west-2 (UK, not EU) violate a US+EU policy, with the chain, who and when', async () => {
    const r = await generateReport(store, {
      id: 'residency',
      config: POLICY,
      formats: ['json'],
      out,
      now: NOW,
    });
    const findings = r.model.findings as AnyFinding[];
    const ap = findings.find((f) => f.resource_arn.includes('snap-0aaaaaaaaaaaaaa13'))!;
    expect(ap.status).toBe('fail');
    expect(ap.reason).toContain('ap-southeast-2');
    expect(ap.reason).toContain('AU');
    // the chain that put it there: us-east-1 → us-west-2 → ap-southeast-2
    expect(
      (ap.chain as { api: string; from: string; to: string }[]).map((h) => [
        h.from.split(' ')[0],
        h.to.split(' ')[0],
      ]),
    ).toEqual([
      ['snap-0aaaaaaaaaaaaaa02', 'snap-0aaaaaaaaaaaaaa12'],
      ['snap-0aaaaaaaaaaaaaa12', 'snap-0aaaaaaaaaaaaaa13'],
    ]);
    const uk = findings.find((f) => f.resource_arn.includes('snap-0aaaaaaaaaaaaaa14'))!;
    expect(uk.status).toBe('fail');
    expect(uk.reason).toContain('UK');
    const west = findings.find((f) => f.resource_arn.includes('snap-0aaaaaaaaaaaaaa12'))!;
    expect(west.status).toBe('pass');
    const shared = findings.find((f) => f.check === 'share')!;
    expect(shared.status).toBe('fail');
    expect(shared.reason).toContain(OUTSIDER);
    expect(r.model.summary.fail).toBe(3);
  });

  it('residency without a policy judges nothing: locations are unknown, never pass', async () => {
    const r = await generateReport(store, {
      id: 'residency',
      config: Config.parse({}),
      formats: ['json'],
      out,
      now: NOW,
    });
    const located = (r.model.findings as AnyFinding[]).filter((f) => f.check !== 'share');
    expect(located.length).toBeGreaterThan(0);
    expect(located.every((f) => f.status === 'unknown')).toBe(true);
  });

  it('dr_coverage: pass within the RPO, fail past it, fail with no copy, unknown where the trail was not ingested', async () => {
    const r = await generateReport(store, {
      id: 'dr_coverage',
      config: POLICY,
      formats: ['json'],
      out,
      until: UNTIL,
      now: NOW,
    });
    const rows = r.model.rows as {
      requirement: string;
      status: string;
      reason: string;
      age: string | null;
    }[];
    const by = Object.fromEntries(rows.map((x) => [x.requirement, x]));
    expect(by.vol_a_west!.status).toBe('pass');
    expect(by.vol_a_west!.age).toBe('15h');
    expect(by.vol_b_west!.status).toBe('fail');
    expect(by.vol_b_west!.reason).toContain('over the 24h RPO');
    expect(by.vol_a_vault!.status).toBe('fail');
    expect(by.vol_a_vault!.reason).toContain(`no copy in account ${A2}`);
    expect(by.vol_a_nordic!.status).toBe('unknown');
    expect(by.vol_a_nordic!.reason).toContain('not ingested');
    expect(r.model.coverage_pct).toBe(25);
  });

  it('dr_coverage: the same missing copy is unknown, not fail, once the RPO window reaches past what was ingested', async () => {
    const r = await generateReport(store, {
      id: 'dr_coverage',
      config: POLICY,
      formats: ['json'],
      out,
      until: '2026-03-04T00:00:00Z',
      now: NOW,
    });
    const rows = r.model.rows as { requirement: string; status: string }[];
    expect(rows.find((x) => x.requirement === 'vol_a_vault')!.status).toBe('unknown');
    expect(rows.find((x) => x.requirement === 'vol_b_west')!.status).toBe('unknown');
    expect(rows.some((x) => x.status === 'pass')).toBe(false);
  });

  it('forensics on the outside account: the share is flagged, the timeline and KMS use are filled', async () => {
    const r = await generateReport(store, {
      id: 'forensics',
      config: POLICY,
      formats: ['json'],
      out,
      subject: OUTSIDER,
      now: NOW,
    });
    expect((r.model.findings as AnyFinding[]).filter((f) => f.status === 'fail').map((f) => f.check)).toEqual(
      ['share'],
    );
    const ap = await generateReport(store, {
      id: 'forensics',
      config: POLICY,
      formats: ['json', 'html'],
      out,
      subject: 'snap-0aaaaaaaaaaaaaa13',
      now: NOW,
    });
    const copies = ap.model.copies as { flags: string[]; target: string }[];
    // the whole component: both copies of snap-…02's line, plus the UK copy of the same source
    expect(copies.map((c) => c.target.split(' ')[0]).sort()).toEqual([
      'snap-0aaaaaaaaaaaaaa12',
      'snap-0aaaaaaaaaaaaaa13',
      'snap-0aaaaaaaaaaaaaa14',
    ]);
    const apCopy = copies.find((c) => c.target.startsWith('snap-0aaaaaaaaaaaaaa13'))!;
    expect(apCopy.flags).toContain('copy without any KMS evidence');
    expect(apCopy.flags.some((f) => f.includes('outside the residency policy'))).toBe(true);
    const timeline = ap.model.timeline as { event_name: string }[];
    expect(timeline.map((t) => t.event_name)).toContain('CopySnapshot');
    expect(timeline.map((t) => t.event_name)).toContain('ModifySnapshotAttribute');
    const html = readFileSync(ap.files.find((f) => f.format === 'html')!.path, 'utf8');
    expect(html).toContain('<img alt="Lineage graph');
    const svg = Buffer.from(
      /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html.replaceAll('&#x3D;', '='))![1]!,
      'base64',
    ).toString();
    expect(svg).toContain('0aaaaaaaaaaaaaa13'); // Graphviz writes '-' as &#45;
  });

  it('the evidence manifest commits to each input (Merkle root, list in a sidecar with hash and digest status), the queries, and the hash of every output', async () => {
    const r = await generateReport(store, {
      id: 'residency',
      config: POLICY,
      formats: ['json', 'html'],
      out,
      now: NOW,
    });
    const m = JSON.parse(readFileSync(r.manifest, 'utf8'));
    expect(m.inputs.count).toBeGreaterThan(0);
    expect(m.inputs.merkle_root).toMatch(/^[0-9a-f]{64}$/);
    const { gunzipSync } = await import('node:zlib');
    const first = JSON.parse(
      gunzipSync(readFileSync(join(out, m.inputs.file)))
        .toString('utf8')
        .split('\n')[0]!,
    );
    // a line per input: location, source, kind, sha256, size, status, digest_status
    expect(m.inputs.leaf).toEqual([
      'location',
      'source',
      'kind',
      'sha256',
      'size',
      'status',
      'digest_status',
    ]);
    expect(first[3]).toMatch(/^[0-9a-f]{64}$/);
    // hand-delivered files carry no digest: they must say so, not pass as verified
    expect(first[6]).toBe('unchecked');
    expect(m.inputs.digest_status).toEqual({ unchecked: m.inputs.count });
    expect(m.queries.map((q: { name: string }) => q.name)).toContain('reports/residency/copies');
    expect(m.queries[0].sql).toMatch(/select/i);
    for (const o of m.outputs) {
      const { createHash } = await import('node:crypto');
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, o.file)))
          .digest('hex'),
      ).toBe(o.sha256);
    }
    expect(m.tool.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('golden HTML from a pinned simulation', () => {
  let store: Store;
  let close: () => void;
  beforeAll(async () => {
    const s = await suiteStore();
    ({ store, close } = s);
    simulate({ out: s.dir, events: 4000, days: 2, seed: 11, digests: false, start: '2026-03-01' });
    await ingestDir(store, [s.dir]);
    await correlate(store);
  });
  afterAll(() => close());

  const config = Config.parse({
    ...POLICY,
    organization: 'Golden Org',
    dr: { requirements: [] },
  });

  for (const id of REPORT_IDS) {
    it(`${id} matches test/reports/golden/${id}.html`, async () => {
      const out = tempDir();
      const subject = id === 'forensics' ? '904657914468' : null;
      const r = await generateReport(store, { id, config, formats: ['html'], out, now: NOW, subject });
      const html = readFileSync(r.files[0]!.path, 'utf8');
      const golden = join(GOLDEN, `${id}.html`);
      if (process.env.UPDATE_GOLDEN) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(golden, html);
      }
      expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(html).toBe(readFileSync(golden, 'utf8'));
    });
  }
});

const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  "'><svg onload=alert(3)>",
  'javascript:alert(4)',
  '</td></tr></table><iframe src="javascript:alert(5)">',
];

describe('hostile record text', () => {
  let server: Server;
  let hits = 0;
  let base = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('renders inert in HTML and PDF: no tag, attribute or URL from a record survives, and nothing is fetched', async () => {
    const store = await memoryStore();
    const fetchMe = `<img src="${base}/pixel.png"><link rel=stylesheet href="${base}/x.css">`;
    const evil = (s: string) => ({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${A1}:assumed-role/${s}/x`,
      accountId: A1,
    });
    await buildScenario(store, tempDir(), [
      createSnapshot(
        '2026-03-02T15:00:00Z',
        'us-east-1',
        A1,
        'vol-0ccccccccccccccc1',
        'snap-0cccccccccccccc01',
        KEY_E1,
      ),
      {
        ...copySnapshot({
          at: '2026-03-02T16:00:00Z',
          region: 'eu-west-1',
          account: A1,
          sourceRegion: 'us-east-1',
          sourceSnap: 'snap-0cccccccccccccc01',
          newSnap: `snap-0cc"><script>alert(6)</script>`,
          identity: evil(XSS.join('')),
          description: XSS.join(' ') + fetchMe,
        }),
        userAgent: XSS.join(' ') + fetchMe,
        sourceIPAddress: `${fetchMe}10.0.0.1`,
      },
      kms({
        at: '2026-03-02T16:00:10Z',
        name: 'CreateGrant',
        region: 'eu-west-1',
        recipient: A1,
        key: `arn:aws:kms:eu-west-1:${A1}:key/<script>alert(7)</script>`,
        ctx: { 'aws:ebs:id': `snap-0cc"><script>alert(6)</script>` },
      }),
    ]);
    const out = tempDir();
    const pdf = new PdfRenderer(POLICY.reports.chromium);
    try {
      const files: string[] = [];
      for (const [id, subject] of [
        ['residency', null],
        ['forensics', 'snap-0cccccccccccccc01'],
      ] as const) {
        const r = await generateReport(store, {
          id,
          config: POLICY,
          formats: ['html', 'pdf'],
          out,
          now: NOW,
          subject,
          pdf,
        });
        expect(r.blockedRequests).toEqual([]);
        files.push(...r.files.map((f) => f.path));
      }
      for (const file of files.filter((f) => f.endsWith('.html'))) {
        const html = readFileSync(file, 'utf8');
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/<iframe/i);
        expect(html).not.toMatch(/<svg/i);
        expect(html).not.toMatch(/<link/i);
        // no attribute outside our own: every tag's attributes are from the template
        expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
        expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(javascript|https?):/i);
        // the only images are the report's own inline pictures
        for (const m of html.matchAll(/<img [^>]*src="([^"]*)"/g))
          expect(m[1]).toMatch(/^data:image\/svg\+xml;base64,/);
        // and the text is there, shown as text
        // (an id cell may carry <wbr> break points after / : - . _, which are not text)
        expect(html.replaceAll('<wbr>', '')).toContain('&lt;script&gt;alert(6)&lt;/script&gt;');
        // pictures are data: images, which cannot run script; their text is escaped too
        for (const m of html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)) {
          const svg = Buffer.from(m[1]!.replaceAll('&#x3D;', '='), 'base64').toString();
          expect(svg).not.toMatch(/<script|onload=|onerror=|<iframe|<img/i);
        }
      }
      const forensicsPdf = files.find((f) => f.endsWith('.pdf') && f.includes('forensics'))!;
      const { text } = await pdfText(forensicsPdf);
      expect(compact(text)).toContain(compact('<script>alert(6)</script>'));
      expect(hits).toBe(0);
    } finally {
      await pdf.close();
    }
  });

  it('the PDF renderer blocks every request a page makes and runs no script', async () => {
    const pdf = new PdfRenderer(POLICY.reports.chromium);
    try {
      const html = `<!DOCTYPE html><html><head><link rel="stylesheet" href="${base}/a.css"><style>@import url("${base}/b.css"); body { background: url("${base}/c.png"); }</style></head>
<body><h1>probe</h1><img src="${base}/d.png"><iframe src="${base}/e.html"></iframe><script src="${base}/f.js"></script>
<script>fetch("${base}/g"); document.body.innerHTML = "SCRIPT RAN";</script><object data="${base}/h"></object></body></html>`;
      const r = await pdf.print(html, { title: 'probe', generatedAt: 'now', paper: 'A4' });
      expect(hits).toBe(0);
      expect(r.blocked.length).toBeGreaterThanOrEqual(3);
      expect(r.blocked.every((u) => u.startsWith(base))).toBe(true);
      const file = join(tempDir(), 'probe.pdf');
      writeFileSync(file, r.pdf);
      const { text, pages } = await pdfText(file);
      expect(pages).toBe(1);
      expect(text).toContain('probe');
      expect(text).not.toContain('SCRIPT RAN');
    } finally {
      await pdf.close();
    }
  });
});

describe('PDF', () => {
  it('is a print of the report: pages numbered, and its text carries the key findings', async () => {
    const store = await memoryStore();
    await buildScenario(store, tempDir());
    const pdf = new PdfRenderer(POLICY.reports.chromium);
    try {
      const out = tempDir();
      const r = await generateReport(store, {
        id: 'residency',
        config: POLICY,
        formats: ['pdf'],
        out,
        now: NOW,
        pdf,
      });
      const { pages, text } = await pdfText(r.files[0]!.path);
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(text).toContain('Data residency report');
      expect(text).toContain(`page 1 of ${pages}`);
      // table cells wrap long ids across lines: compare without whitespace
      expect(compact(text)).toContain('snap-0aaaaaaaaaaaaaa13');
      expect(compact(text)).toContain(compact('outside the allowed jurisdictions and regions'));
      expect(compact(text)).toContain(OUTSIDER);
      const dr = await generateReport(store, {
        id: 'dr_coverage',
        config: POLICY,
        formats: ['pdf'],
        out,
        until: UNTIL,
        now: NOW,
        pdf,
      });
      const drText = (await pdfText(dr.files[0]!.path)).text;
      expect(compact(drText)).toContain(compact('over the 24h RPO'));
      expect(drText).toContain('25%');
    } finally {
      await pdf.close();
    }
  });
});

describe('Chromium that dies as it starts', () => {
  // a launcher in front of the real browser: it kills itself on the starts listed in its plan
  async function launcher(dir: string, dies: number): Promise<string> {
    const real = await chromiumPath('bundled');
    const script = join(dir, 'chromium');
    const count = join(dir, 'starts');
    writeFileSync(
      script,
      `#!/bin/sh\necho x >> '${count}'\nn=$(wc -l < '${count}')\nif [ "$n" -le ${dies} ]; then kill -9 $$; fi\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
    return script;
  }
  const starts = (dir: string) =>
    readFileSync(join(dir, 'starts'), 'utf8').split('\n').filter(Boolean).length;

  it('one start killed: the second start prints the report', async () => {
    const dir = tempDir();
    const pdf = new PdfRenderer(await launcher(dir, 1));
    try {
      const r = await pdf.print('<p>after a crash</p>', { title: 't', generatedAt: 'now', paper: 'A4' });
      writeFileSync(join(dir, 'out.pdf'), r.pdf);
      expect((await pdfText(join(dir, 'out.pdf'))).text).toContain('after a crash');
      expect(starts(dir)).toBe(2);
    } finally {
      await pdf.close();
    }
  });

  it(`every start killed: the report fails after ${LAUNCH_ATTEMPTS} attempts, naming each`, async () => {
    const dir = tempDir();
    const pdf = new PdfRenderer(await launcher(dir, 99));
    try {
      const err = await pdf.print('<p>x</p>', { title: 't', generatedAt: 'now', paper: 'A4' }).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(PdfError);
      expect(err!.message).toMatch(/could not start Chromium .*attempt 1: .*; attempt 2: /s);
      expect(starts(dir)).toBe(LAUNCH_ATTEMPTS);
    } finally {
      await pdf.close();
    }
  });
});
