// Machine-readable findings (--format oscal,ocsf,csv): each format read the way an auditor's tool
// reads it (OSCAL validated against NIST's schema, OCSF against the class built from OCSF's own
// files, CSV by a strict RFC 4180 parser), the same verdicts and counts in every format, stable ids,
// and hostile record text that stays data.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config, ScheduleReport } from '../../core/config.ts';
import { regionInfo } from '../../core/regions.ts';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { parseFormats } from '../../reports/command.ts';
import { CSV_COLUMNS } from '../../reports/findings/csv.ts';
import { renderOscal } from '../../reports/findings/oscal.ts';
import { arnParts, findingRecords, severityOf } from '../../reports/findings/records.ts';
import { uuidV5 } from '../../reports/findings/uuid.ts';
import { type GenerateResult, generateReport } from '../../reports/generate.ts';
import { FORMATS, REPORT_IDS, type ReportId } from '../../reports/ids.ts';
import { simulate } from '../../simulator/simulate.ts';
import { A1, copySnapshot, createSnapshot, kms, share } from '../correlate/fixtures.ts';
import { REAL_DATA, SHARED, tempDir } from '../helpers.ts';
import { OcsfSchema, validateEvent } from './ocsf-validate.ts';
import { buildScenario, KEY_E1, POLICY, UNTIL } from './scenario.ts';

const NOW = new Date('2026-04-01T12:00:00Z');
const FORMATS_DIR = join(SHARED, 'reference', 'formats');
const FINDINGS = ['json', 'oscal', 'ocsf', 'csv'] as const;

// ajv-formats is CommonJS: its plugin is the module itself under Node's ESM interop
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** NIST's OSCAL 1.2.2 assessment-results schema, compiled strictly (unknown keywords are errors). */
function oscalValidator() {
  const schema = JSON.parse(readFileSync(join(FORMATS_DIR, 'oscal_assessment-results_schema.json'), 'utf8'));
  // the schema's token pattern is a Unicode property class (\p{L}): ajv compiles patterns with the
  // `u` flag (unicodeRegExp, its default, stated here so the validation cannot silently loosen)
  const ajv = new Ajv({ strict: true, allErrors: true, unicodeRegExp: true, validateFormats: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

const ocsf = new OcsfSchema(join(FORMATS_DIR, 'ocsf-1.8.0'));
const complianceFinding = ocsf.eventClass('findings/compliance_finding.json');

/** RFC 4180, strictly: a quote inside an unquoted field, or text after a closing quote, is an error. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const field = (): string => {
    if (text[i] === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            out += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else out += text[i++];
      }
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i))
        throw new Error(`text after a closing quote at ${i}`);
      return out;
    }
    let out = '';
    while (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) {
      if (text[i] === '"' || text[i] === '\n' || text[i] === '\r')
        throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
      out += text[i++];
    }
    return out;
  };
  while (i < text.length) {
    row.push(field());
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (!text.startsWith('\r\n', i)) throw new Error(`expected CRLF at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
  }
  return rows;
}

// biome-ignore lint/suspicious/noExplicitAny: documents and events are read and broken freely, as a consumer or a faulty producer would
type Doc = any;

type Verdict = 'FAIL' | 'UNKNOWN' | 'PASS';
type Counts = Record<Verdict, number>;
const zero = (): Counts => ({ FAIL: 0, UNKNOWN: 0, PASS: 0 });

interface OscalFinding {
  uuid: string;
  props: { name: string; value: string }[];
  target: { 'target-id': string; status: { state: string; reason?: string } };
  'related-observations'?: { 'observation-uuid': string }[];
}
interface OscalDoc {
  'assessment-results': {
    uuid: string;
    results: {
      uuid: string;
      findings?: OscalFinding[];
      observations?: { uuid: string; 'relevant-evidence': { props?: { value: string }[] }[] }[];
    }[];
  };
}

/** How a GRC tool reads an OSCAL finding: not satisfied is FAIL unless the reason says otherwise. */
function oscalVerdict(f: OscalFinding): Verdict {
  if (f.target.status.state === 'satisfied') return 'PASS';
  return f.target.status.reason === undefined || f.target.status.reason === 'fail' ? 'FAIL' : 'UNKNOWN';
}
const OCSF_VERDICT: Record<number, Verdict> = { 1: 'PASS', 3: 'FAIL', 0: 'UNKNOWN' };
const prop = (f: OscalFinding, name: string) => f.props.find((p) => p.name === name)?.value;

interface Outputs {
  result: GenerateResult;
  json: {
    header: { version: string };
    summary: { pass: number; fail: number; unknown: number };
    findings: { event_ids: string[] }[];
  };
  oscalText: string;
  oscal: OscalDoc;
  ocsfText: string;
  ocsf: Doc[];
  csvText: string;
  csv: Record<string, string>[];
}

function read(result: GenerateResult): Outputs {
  const file = (format: string) => readFileSync(result.files.find((f) => f.format === format)!.path, 'utf8');
  const csvText = file('csv');
  const [header, ...rows] = parseCsv(csvText);
  const ocsfText = file('ocsf');
  return {
    result,
    json: JSON.parse(file('json')),
    oscalText: file('oscal'),
    oscal: JSON.parse(file('oscal')),
    ocsfText,
    ocsf: ocsfText
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    csvText,
    csv: rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))),
  };
}

function counts(o: Outputs): Record<'json' | 'oscal' | 'ocsf' | 'csv', Counts> {
  const oscal = zero();
  for (const f of o.oscal['assessment-results'].results[0]!.findings ?? []) oscal[oscalVerdict(f)]++;
  const ocsfCounts = zero();
  for (const e of o.ocsf) ocsfCounts[OCSF_VERDICT[e.compliance.status_id]!]++;
  const csv = zero();
  for (const r of o.csv) csv[r.status!.toUpperCase() as Verdict]++;
  const s = o.json.summary;
  return { json: { FAIL: s.fail, UNKNOWN: s.unknown, PASS: s.pass }, oscal, ocsf: ocsfCounts, csv };
}

async function render(
  store: Store,
  out: string,
  id: ReportId,
  subject: string | null,
  now = NOW,
  since?: string,
  until = UNTIL,
  config: Config = POLICY,
) {
  return read(
    await generateReport(store, {
      id,
      config,
      formats: [...FINDINGS],
      out,
      now,
      subject,
      until,
      since: since ?? null,
    }),
  );
}

const SUBJECT: Record<ReportId, string | null> = {
  residency: null,
  dr_coverage: null,
  forensics: 'snap-0aaaaaaaaaaaaaa02',
};

async function suiteStore() {
  const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-findings-test-'));
  return {
    store,
    dir,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('findings formats on the named scenario', () => {
  let store: Store;
  let dir: string;
  let close: () => void;
  const out: Partial<Record<ReportId, Outputs>> = {};
  beforeAll(async () => {
    ({ store, dir, close } = await suiteStore());
    mkdirSync(join(dir, 'trail'));
    await buildScenario(store, join(dir, 'trail'));
    for (const id of REPORT_IDS) out[id] = await render(store, join(dir, 'out'), id, SUBJECT[id]);
  });
  afterAll(() => close());

  it('every report: FAIL, UNKNOWN and PASS counts are the same in the JSON summary, OSCAL, OCSF and CSV', () => {
    for (const id of REPORT_IDS) {
      const c = counts(out[id]!);
      expect(c.oscal, `${id} OSCAL`).toEqual(c.json);
      expect(c.ocsf, `${id} OCSF`).toEqual(c.json);
      expect(c.csv, `${id} CSV`).toEqual(c.json);
      expect(c.json.FAIL, `${id} has a failing finding`).toBeGreaterThan(0);
    }
    // the scenario has verdicts of all three kinds, so a swapped mapping cannot balance out
    const dr = counts(out.dr_coverage!).json;
    expect(dr.UNKNOWN).toBeGreaterThan(0);
    expect(dr.PASS).toBeGreaterThan(0);
    expect(counts(out.residency!).json.PASS).toBeGreaterThan(0);
  });

  it('residency: the copy to ap-southeast-2 is FAIL everywhere, with its jurisdiction and copy event; the copy to us-west-2 is PASS', () => {
    const o = out.residency!;
    const find = (snap: string) => {
      const csv = o.csv.filter((r) => r.check === 'copy_destination' && r.resource!.includes(snap));
      expect(csv).toHaveLength(1);
      const id = csv[0]!.finding_id!;
      const oscal = o.oscal['assessment-results'].results[0]!.findings!.filter(
        (f) => prop(f, 'finding-id') === id,
      );
      const ocsfEvents = o.ocsf.filter((e) => e.finding_info.uid === id);
      expect(oscal).toHaveLength(1);
      expect(ocsfEvents).toHaveLength(1);
      return { csv: csv[0]!, oscal: oscal[0]!, ocsf: ocsfEvents[0]! };
    };
    const ap = find('snap-0aaaaaaaaaaaaaa13');
    expect(ap.csv.status).toBe('FAIL');
    expect(ap.csv.severity).toBe('high');
    expect(ap.csv.region).toBe('ap-southeast-2');
    expect(ap.csv.account).toBe(A1);
    expect(ap.csv.jurisdiction).toBe(regionInfo('ap-southeast-2')!.jurisdiction);
    expect(ap.csv.message).toContain('ap-southeast-2');
    expect(ap.oscal.target.status).toEqual({ state: 'not-satisfied', reason: 'fail' });
    expect(ap.oscal.target['target-id']).toBe('residency.copy_destination');
    expect(ap.ocsf.compliance).toMatchObject({ status_id: 3, status: 'Fail', control: 'copy_destination' });
    expect(ap.ocsf.severity_id).toBe(4);
    expect(ap.ocsf.cloud).toEqual({
      provider: 'AWS',
      region: 'ap-southeast-2',
      account: { uid: A1, type_id: 10, type: 'AWS Account' },
    });
    expect(ap.ocsf.resources[0]).toMatchObject({
      uid: ap.csv.resource,
      region: 'ap-southeast-2',
      type: 'ec2:snapshot',
    });
    // the evidence is the copy request, the same in every format
    const model = (
      o.result.model.findings as { resource_arn: string; check: string; event_ids: string[] }[]
    ).find((f) => f.check === 'copy_destination' && f.resource_arn === ap.csv.resource)!;
    expect(model.event_ids.length).toBeGreaterThan(0);
    expect(ap.csv.evidence!.split(' ')).toEqual(model.event_ids);
    expect(ap.ocsf.finding_info.related_events.map((e: { uid: string }) => e.uid)).toEqual(model.event_ids);
    const obs = o.oscal['assessment-results'].results[0]!.observations!.find(
      (x) => x.uuid === ap.oscal['related-observations']![0]!['observation-uuid'],
    )!;
    expect(obs['relevant-evidence'].map((e) => e.props![0]!.value)).toEqual(model.event_ids);

    const west = find('snap-0aaaaaaaaaaaaaa12');
    expect(west.csv.status).toBe('PASS');
    expect(west.csv.severity).toBe('informational');
    expect(west.oscal.target.status).toEqual({ state: 'satisfied', reason: 'pass' });
    expect(west.ocsf.compliance).toMatchObject({ status_id: 1, status: 'Pass' });
    expect(west.ocsf.severity_id).toBe(1);
  });

  it('dr_coverage: the eu-north-1 requirement nobody ingested is UNKNOWN (not-satisfied + other, status_id 0), the stale vol B copy FAIL', () => {
    const o = out.dr_coverage!;
    const nordic = o.csv.filter((r) => r.requirement === 'vol_a_nordic');
    expect(nordic).toHaveLength(1);
    expect(nordic[0]!.status).toBe('UNKNOWN');
    expect(nordic[0]!.severity).toBe('medium');
    expect(nordic[0]!.jurisdiction).toBe('');
    const id = nordic[0]!.finding_id;
    const f = o.oscal['assessment-results'].results[0]!.findings!.find((x) => prop(x, 'finding-id') === id)!;
    expect(f.target.status).toEqual({ state: 'not-satisfied', reason: 'other' });
    expect(prop(f, 'requirement')).toBe('vol_a_nordic');
    const e = o.ocsf.find((x) => x.finding_info.uid === id)!;
    expect(e.compliance).toMatchObject({ status_id: 0, status: 'Unknown', requirements: ['vol_a_nordic'] });
    // the control's description is that requirement's own rule, not the whole policy
    expect(e.compliance.desc).toMatch(/^vol_a_nordic: .*targets: eu-north-1; RPO 24h/);

    const stale = o.csv.find((r) => r.requirement === 'vol_b_west')!;
    expect(stale.status).toBe('FAIL');
    expect(stale.message).toContain('RPO');
    expect(o.ocsf.find((x) => x.finding_info.uid === stale.finding_id)!.compliance.status_id).toBe(3);
  });

  it('OSCAL: every report is valid against the OSCAL 1.2.2 assessment-results schema, and the validator rejects what the schema forbids', () => {
    const validate = oscalValidator();
    for (const id of REPORT_IDS) {
      const ok = validate(out[id]!.oscal);
      expect(validate.errors ?? [], `${id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toEqual([]);
      expect(ok).toBe(true);
      const ar = out[id]!.oscal['assessment-results'] as Doc;
      expect(ar.metadata['oscal-version']).toBe('1.2.2');
      expect(ar.metadata.version).toBe(out[id]!.json.header.version);
      expect(ar['import-ap'].href).toBe(`#${ar['back-matter'].resources[0].uuid}`);
      expect(ar.results).toHaveLength(1);
      expect(ar.results[0].findings).toHaveLength(out[id]!.json.findings.length);
      // evidence collection runs from the first ingested event to the as-of instant
      const json = out[id]!.json as Doc;
      expect(Date.parse(ar.results[0].start)).toBe(Date.parse(json.banner.first_event));
      expect(ar.results[0].end).toBe(json.header.as_of);
    }
    // the validation is strict: each of these breaks the schema and must be caught
    const broken: [string, (d: Doc) => void][] = [
      ['an unknown key', (d) => (d['assessment-results'].results[0].findings[0].verdict = 'fail')],
      ['a two-line title', (d) => (d['assessment-results'].results[0].findings[0].title = 'a\nb')],
      [
        'a token starting with a digit',
        (d) => (d['assessment-results'].results[0].findings[0].target['target-id'] = '1x'),
      ],
      ['a version-1 uuid', (d) => (d['assessment-results'].uuid = 'c232ab00-9414-11ec-b3c8-9f6bdeced846')],
      [
        'a date-time without a zone',
        (d) => (d['assessment-results'].metadata['last-modified'] = '2026-04-01T12:00:00'),
      ],
      [
        'a status outside the enum',
        (d) => (d['assessment-results'].results[0].findings[0].target.status.state = 'unknown'),
      ],
    ];
    for (const [what, mutate] of broken) {
      const doc = JSON.parse(out.residency!.oscalText);
      mutate(doc);
      expect(validate(doc), what).toBe(false);
    }
    // a non-ASCII letter is a valid token start: the \p{L} class is compiled as Unicode
    const doc = JSON.parse(out.residency!.oscalText);
    doc['assessment-results'].results[0].findings[0].target['target-id'] = 'é.copy';
    expect(validate(doc)).toBe(true);
  });

  it('OCSF: every event is a valid Compliance Finding 1.8.0, and the validator rejects what the class forbids', () => {
    expect(ocsf.version).toBe('1.8.0');
    expect(complianceFinding.class_uid).toBe(2003);
    for (const id of REPORT_IDS) {
      const o = out[id]!;
      expect(o.ocsf).toHaveLength(o.json.findings.length);
      expect(o.ocsfText.split('\n').filter(Boolean)).toHaveLength(o.json.findings.length);
      for (const e of o.ocsf) {
        expect(validateEvent(ocsf, complianceFinding, e)).toEqual([]);
        expect(e).toMatchObject({ class_uid: 2003, category_uid: 2, type_uid: 200301, activity_id: 1 });
        expect(e.metadata).toMatchObject({ version: '1.8.0', product: { name: 'copytrail' } });
        expect(Number.isInteger(e.time)).toBe(true);
        expect(e.time).toBe(NOW.getTime());
      }
    }
    const event = () => JSON.parse(JSON.stringify(out.residency!.ocsf[0]));
    const broken: [string, (e: Doc) => void, string][] = [
      ['no finding_info.uid', (e) => delete e.finding_info.uid, 'finding_info.uid'],
      ['no metadata', (e) => delete e.metadata, 'metadata'],
      ['an attribute the class lacks', (e) => (e.verdict = 'fail'), 'verdict'],
      [
        'an attribute the resource object lacks',
        (e) => (e.resources[0].account = A1),
        'resources[0].account',
      ],
      ['time as text', (e) => (e.time = '2026-04-01T12:00:00Z'), 'time'],
      ['time with a fraction', (e) => (e.time = 1.5), 'time'],
      ['a severity_id outside the enum', (e) => (e.severity_id = 7), 'severity_id'],
      [
        'a compliance status_id outside the enum',
        (e) => (e.compliance.status_id = 4),
        'compliance.status_id',
      ],
      [
        'a caption that contradicts its id',
        (e) => {
          e.compliance.status = 'Pass';
          e.compliance.status_id = 3;
        },
        'compliance.status',
      ],
      ['the wrong class', (e) => (e.class_uid = 2004), 'class_uid'],
      ['a type_uid that is not class * 100 + activity', (e) => (e.type_uid = 200302), 'type_uid'],
      ['standards as a string, not an array', (e) => (e.compliance.standards = 'x'), 'compliance.standards'],
      ['the cloud profile not applied', (e) => (e.metadata.profiles = []), 'cloud'],
      ['the cloud profile applied without its cloud object', (e) => delete e.cloud, 'cloud'],
    ];
    for (const [what, mutate, path] of broken) {
      const e = event();
      mutate(e);
      const problems = validateEvent(ocsf, complianceFinding, e);
      expect(
        problems.map((p) => p.path),
        what,
      ).toContain(path);
    }
    // copytrail's context is under unmapped, without nulls
    for (const id of REPORT_IDS)
      for (const e of out[id]!.ocsf) {
        expect(e.unmapped.report).toBe(id);
        expect(Object.values(e.unmapped)).not.toContain(null);
      }
    // anything goes under unmapped
    const e = event();
    e.unmapped.anything = { nested: [1, 'x'] };
    expect(validateEvent(ocsf, complianceFinding, e)).toEqual([]);
  });

  it('CSV: RFC 4180 with CRLF, one row per finding, the columns an auditor filters on', () => {
    for (const id of REPORT_IDS) {
      const o = out[id]!;
      expect(o.csvText.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
      expect(o.csv).toHaveLength(o.json.findings.length);
      for (const r of o.csv) {
        expect(r.report).toBe(id);
        expect(['PASS', 'FAIL', 'UNKNOWN']).toContain(r.status);
        expect(['informational', 'low', 'medium', 'high', 'critical']).toContain(r.severity);
      }
      expect(new Set(o.csv.map((r) => r.finding_id)).size).toBe(o.csv.length);
      // ids are told apart by what singles a finding out (a DR cell's target, the triggering event),
      // not by a number that would shift when another finding comes or goes
      for (const r of o.csv) expect(r.finding_id).toMatch(/^[A-Za-z0-9_.-]+-[0-9a-f]{16}$/);
    }
  });

  it('reruns of the same inputs give the same UUIDs and finding ids; another window gives other UUIDs', async () => {
    const later = new Date('2026-05-01T08:00:00Z');
    for (const id of REPORT_IDS) {
      const again = await render(store, join(dir, 'again'), id, SUBJECT[id], later);
      const a = out[id]!.oscal['assessment-results'];
      const b = again.oscal['assessment-results'];
      expect(b.uuid).toBe(a.uuid);
      expect(b.results[0]!.uuid).toBe(a.results[0]!.uuid);
      expect(b.results[0]!.findings!.map((f) => f.uuid)).toEqual(a.results[0]!.findings!.map((f) => f.uuid));
      expect(again.csv.map((r) => r.finding_id)).toEqual(out[id]!.csv.map((r) => r.finding_id));
      expect(again.ocsf.map((e) => e.finding_info.uid)).toEqual(out[id]!.ocsf.map((e) => e.finding_info.uid));
      // every uuid is a version-5, RFC-variant uuid, and none repeats
      const uuids = [a.uuid, a.results[0]!.uuid, ...a.results[0]!.findings!.map((f) => f.uuid)];
      for (const u of uuids)
        expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(uuids).size).toBe(uuids.length);
    }
    const other = await render(store, join(dir, 'other'), 'residency', null, NOW, '2026-03-02T00:00:00Z');
    const a = out.residency!.oscal['assessment-results'];
    expect(other.oscal['assessment-results'].uuid).not.toBe(a.uuid);
    expect(other.oscal['assessment-results'].results[0]!.uuid).not.toBe(a.results[0]!.uuid);
  });

  it('a finding keeps its id when its verdict changes; two DR targets of one resource and requirement have two ids', async () => {
    // as of day 1 noon vol B's copy to us-west-2 is two hours old: PASS; on day 3 it is over the RPO: FAIL
    const early = await render(
      store,
      join(dir, 'early'),
      'dr_coverage',
      null,
      NOW,
      undefined,
      '2026-03-01T12:00:00Z',
    );
    const before = early.csv.find((r) => r.requirement === 'vol_b_west')!;
    const after = out.dr_coverage!.csv.find((r) => r.requirement === 'vol_b_west')!;
    expect([before.status, after.status]).toEqual(['PASS', 'FAIL']);
    expect(before.finding_id).toBe(after.finding_id);

    const config = Config.parse({
      ...POLICY,
      dr: {
        requirements: [
          {
            id: 'vol_a_two_regions',
            select: { resource_ids: ['vol-0aaaaaaaaaaaaaaa1'] },
            dr_regions: ['us-west-2', 'eu-north-1'],
            rpo: '24h',
          },
        ],
      },
    });
    const two = await render(store, join(dir, 'two'), 'dr_coverage', null, NOW, undefined, UNTIL, config);
    const rows = two.csv.filter((r) => r.requirement === 'vol_a_two_regions');
    expect(rows.map((r) => r.status).sort()).toEqual(['PASS', 'UNKNOWN']);
    expect(rows[0]!.resource).toBe(rows[1]!.resource);
    expect(rows[0]!.finding_id).not.toBe(rows[1]!.finding_id);
    for (const r of rows) expect(r.finding_id).toMatch(/^vol_a_two_regions-[0-9a-f]{16}$/);
  });

  it('UUID v5 matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('the manifest lists each findings file with its hash', () => {
    for (const id of REPORT_IDS) {
      const r = out[id]!.result;
      const m = JSON.parse(readFileSync(r.manifest, 'utf8')) as {
        outputs: { file: string; format: string; sha256: string }[];
      };
      for (const [format, ext] of [
        ['oscal', 'oscal.json'],
        ['ocsf', 'ocsf.jsonl'],
        ['csv', 'findings.csv'],
      ]) {
        const o = m.outputs.find((x) => x.format === format)!;
        expect(o.file.endsWith(`.${ext}`), `${id} ${format}`).toBe(true);
        const path = r.files.find((f) => f.format === format)!.path;
        expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(o.sha256);
      }
    }
  });
});

describe('a store with nothing to judge', () => {
  it('gives a valid OSCAL result without findings, an empty OCSF file and a CSV of the header alone', async () => {
    const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    try {
      const o = await render(store, tempDir(), 'residency', null);
      expect(o.json.findings).toEqual([]);
      const validate = oscalValidator();
      expect(validate(o.oscal), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(o.oscal['assessment-results'].results[0]!.findings).toBeUndefined();
      expect(o.ocsfText).toBe('');
      expect(o.csvText).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    } finally {
      store.close();
    }
  });
});

describe('account and region of a finding that lacks them', () => {
  const finding = (resource_arn: string) => ({
    resource_arn,
    account_id: null,
    region: null,
    status: 'fail' as const,
    reason: 'r',
    check: 'copy',
    principal_arn: null,
    at: null,
    event_ids: [],
  });

  it('come from the ARN where it names them, and stay empty where it does not or is malformed', () => {
    expect(arnParts(`arn:aws:kms:eu-west-1:${A1}:key/1234`)).toEqual({ region: 'eu-west-1', account: A1 });
    expect(arnParts('arn:aws:ec2:us-east-1::snapshot/snap-1')).toEqual({
      region: 'us-east-1',
      account: null,
    });
    expect(arnParts('arn:aws:s3:::bucket')).toEqual({ region: null, account: null });
    expect(arnParts('arn:aws:kms:=1+1:12345:key/x')).toEqual({ region: null, account: null });
    expect(arnParts('snap-0123')).toEqual({ region: null, account: null });
    const [key, snap] = findingRecords('forensics', {
      findings: [finding(`arn:aws:kms:eu-west-1:${A1}:key/1234`), finding('snap-0123')],
    });
    expect([key!.account, key!.region]).toEqual([A1, 'eu-west-1']);
    expect([snap!.account, snap!.region]).toEqual([null, null]);
  });
});

describe('OSCAL dates from record times', () => {
  it('an instant outside the years OSCAL takes (a forged eventTime) gives way to the as-of instant', () => {
    const header = {
      report: 'residency',
      report_id: '00000000-0000-4000-8000-000000000000',
      title: 'Data residency report',
      organization: 'Org',
      generated_at: '2026-04-01T12:00:00Z',
      as_of: '2026-03-03T00:00:00Z',
      since: null,
      until: null,
      subject: null,
      filters: [],
      version: '0.1.0',
    };
    const run = (evidenceStart: string | null) =>
      JSON.parse(
        renderOscal({
          report: 'residency',
          title: 'Data residency report',
          header,
          policy: [],
          control: {},
          evidenceStart,
          records: [],
        }),
      );
    const validate = oscalValidator();
    for (const forged of ['0999-01-01T00:00:00Z', '3000-01-01T00:00:00Z', 'not a time']) {
      const doc = run(forged);
      expect(doc['assessment-results'].results[0].start, forged).toBe('2026-03-03T00:00:00Z');
      expect(validate(doc), forged).toBe(true);
    }
    expect(run('2026-03-01T00:30:00Z')['assessment-results'].results[0].start).toBe('2026-03-01T00:30:00Z');
  });
});

describe('severity', () => {
  it('FAIL of data or a share is high, of a key medium; UNKNOWN one step below; PASS informational; a DR requirement is high whatever its name', () => {
    expect(severityOf('residency', 'copy_destination', 'fail')).toBe('high');
    expect(severityOf('residency', 'share', 'fail')).toBe('high');
    expect(severityOf('residency', 'key_location', 'fail')).toBe('medium');
    expect(severityOf('forensics', 'key_region', 'fail')).toBe('medium');
    expect(severityOf('residency', 'copy_destination', 'unknown')).toBe('medium');
    expect(severityOf('residency', 'key_location', 'unknown')).toBe('low');
    expect(severityOf('forensics', 'copy', 'pass')).toBe('informational');
    expect(severityOf('dr_coverage', 'key_location', 'fail')).toBe('high');
    expect(severityOf('dr_coverage', 'any_requirement', 'unknown')).toBe('medium');
  });
});

describe('the command line and config take the findings formats', () => {
  it('--format combines oscal, ocsf and csv with html, pdf and json; anything else is refused', () => {
    expect(parseFormats('html,oscal,ocsf,csv,json')).toEqual(['html', 'oscal', 'ocsf', 'csv', 'json']);
    expect(() => parseFormats('oscal,xml')).toThrow(/oscal, ocsf, csv/);
  });

  it('the config accepts every report format, in reports.formats and in a schedule', () => {
    const c = Config.parse({ reports: { formats: [...FORMATS] } });
    expect(c.reports.formats).toEqual([...FORMATS]);
    expect(ScheduleReport.parse({ id: 'residency', formats: [...FORMATS] }).formats).toEqual([...FORMATS]);
    expect(() => Config.parse({ reports: { formats: ['xml'] } })).toThrow();
  });
});

const HOSTILE_EVENT = `=cmd|' /C calc'!A0`;
const HOSTILE_ROLE = `+SUM(1,1)"quoted",comma\r\nnext line</script>\u2028sep`;
// no quote or comma: only its line break makes this one need quoting
const HOSTILE_SNAP = `@snap</script>\n<script>alert(1)</script>\u2029`;

describe('hostile record text in the findings formats', () => {
  let store: Store;
  let close: () => void;
  let dir: string;
  const out: Partial<Record<ReportId, Outputs>> = {};
  beforeAll(async () => {
    ({ store, dir, close } = await suiteStore());
    mkdirSync(join(dir, 'trail'));
    await buildScenario(store, join(dir, 'trail'), [
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
          region: 'ap-southeast-2',
          account: A1,
          sourceRegion: 'us-east-1',
          sourceSnap: 'snap-0cccccccccccccc01',
          newSnap: 'snap-0cccccccccccccc11',
          identity: {
            type: 'AssumedRole',
            arn: `-2+3${HOSTILE_ROLE}`,
            accountId: A1,
          },
        }),
        eventID: HOSTILE_EVENT,
      },
      kms({
        at: '2026-03-02T16:00:20Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'ap-southeast-2',
        recipient: A1,
        key: `arn:aws:kms:ap-southeast-2:${A1}:key/\t=1+1`,
        ctx: { 'aws:ebs:id': 'snap-0cccccccccccccc11' },
      }),
      share('2026-03-02T17:00:00Z', 'us-east-1', A1, HOSTILE_SNAP, '999988887777'),
    ]);
    for (const id of REPORT_IDS)
      out[id] = await render(
        store,
        join(dir, 'out'),
        id,
        id === 'forensics' ? 'snap-0cccccccccccccc01' : SUBJECT[id],
      );
  });
  afterAll(() => close());

  it('CSV: no cell starts like a formula, the hostile text is kept behind an apostrophe, quotes and newlines round-trip', () => {
    const all = REPORT_IDS.flatMap((id) => out[id]!.csv);
    for (const r of all)
      for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/);
    // the copy's own request event (the first evidence) was the formula
    const copy = all.find((r) => r.report === 'residency' && r.resource!.includes('snap-0cccccccccccccc11'))!;
    expect(copy.evidence).toBe(`'${HOSTILE_EVENT}`);
    expect(copy.principal).toBe(`'-2+3${HOSTILE_ROLE}`);
    expect(all.some((r) => r.resource === `'${HOSTILE_SNAP}`)).toBe(true);
    for (const id of REPORT_IDS) expect(out[id]!.csv).toHaveLength(out[id]!.json.findings.length);
  });

  it('OSCAL and OCSF stay valid and carry the hostile text as data', () => {
    const validate = oscalValidator();
    for (const id of REPORT_IDS) {
      const o = out[id]!;
      expect(validate(o.oscal), `${id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      // line readers that also break on U+2028/U+2029 (Python's splitlines) still see one event per line
      expect(o.ocsfText).not.toMatch(/[\u2028\u2029\u0085]/);
      expect(o.ocsfText.split(/\r\n|[\n\r\u2028\u2029\u0085]/).filter(Boolean)).toHaveLength(
        o.json.findings.length,
      );
      for (const e of o.ocsf) expect(validateEvent(ocsf, complianceFinding, e)).toEqual([]);
      const c = counts(o);
      expect(c.oscal).toEqual(c.json);
      expect(c.ocsf).toEqual(c.json);
      expect(c.csv).toEqual(c.json);
    }
    const res = out.residency!;
    expect(JSON.stringify(res.ocsf)).toContain(JSON.stringify(HOSTILE_EVENT).slice(1, -1));
    const events = res.ocsf.flatMap((e) =>
      (e.finding_info.related_events ?? []).map((x: { uid: string }) => x.uid),
    );
    expect(events).toContain(HOSTILE_EVENT);
    expect(res.ocsf.some((e) => e.unmapped.principal_arn === `-2+3${HOSTILE_ROLE}`)).toBe(true);
    // OSCAL one-line fields flatten the line breaks; multi-line descriptions keep the text as it was
    const findings = res.oscal['assessment-results'].results[0]!.findings!;
    const props = findings.flatMap((f) => f.props.map((p) => p.value));
    expect(props).toContain(`-2+3${HOSTILE_ROLE}`.replace(/[\s\u2028]+/g, ' '));
    expect(res.oscalText).toContain('</script>');
  });
});

describe('findings formats on a simulated organization', () => {
  it('every kind of copy the simulator makes: counts agree across formats, OSCAL and OCSF validate', async () => {
    const { store, dir, close } = await suiteStore();
    try {
      simulate({
        out: join(dir, 'trail'),
        events: 4000,
        days: 2,
        seed: 11,
        digests: false,
        start: '2026-03-01',
      });
      await ingestDir(store, [join(dir, 'trail')]);
      await correlate(store);
      const config = Config.parse({ ...POLICY, dr: { requirements: [] } });
      const validate = oscalValidator();
      const kinds = new Set<string>();
      for (const id of REPORT_IDS) {
        const subject = id === 'forensics' ? '904657914468' : null;
        const o = read(
          await generateReport(store, {
            id,
            config,
            formats: [...FINDINGS],
            out: join(dir, 'out'),
            now: NOW,
            subject,
          }),
        );
        const c = counts(o);
        expect(c.oscal, id).toEqual(c.json);
        expect(c.ocsf, id).toEqual(c.json);
        expect(c.csv, id).toEqual(c.json);
        expect(c.json.FAIL + c.json.UNKNOWN + c.json.PASS, id).toBeGreaterThan(0);
        expect(validate(o.oscal), `${id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
        for (const e of o.ocsf) {
          expect(validateEvent(ocsf, complianceFinding, e)).toEqual([]);
          kinds.add(e.resources[0].type);
        }
      }
      // snapshots, buckets, keys and databases all went through the same mapping
      expect([...kinds]).toEqual(expect.arrayContaining(['ec2:snapshot', 's3', 'kms:key']));
    } finally {
      close();
    }
  });
});

describe('findings formats on the third-party real trails', () => {
  it('Invictus and Stratus: counts agree across formats, OSCAL and OCSF validate', async () => {
    const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    const out = tempDir();
    try {
      await ingestDir(store, [
        join(REAL_DATA, 'invictus-aws-dataset'),
        join(REAL_DATA, 'stratus-red-team-detonation-logs'),
      ]);
      await correlate(store);
      const validate = oscalValidator();
      const config = Config.parse({ ...POLICY, dr: { requirements: [] } });
      let total = 0;
      for (const id of ['residency', 'dr_coverage'] as const) {
        const o = read(await generateReport(store, { id, config, formats: [...FINDINGS], out, now: NOW }));
        const c = counts(o);
        expect(c.oscal, id).toEqual(c.json);
        expect(c.ocsf, id).toEqual(c.json);
        expect(c.csv, id).toEqual(c.json);
        expect(validate(o.oscal), `${id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
        for (const e of o.ocsf) expect(validateEvent(ocsf, complianceFinding, e)).toEqual([]);
        total += o.json.findings.length;
      }
      // the Invictus share lifecycle gives residency findings: the formats were not compared empty
      expect(total).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });
});
