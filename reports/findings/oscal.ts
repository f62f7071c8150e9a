// A report's findings as an OSCAL 1.2.2 assessment-results document: one result per report run,
// one finding per copytrail finding (its target's status read by GRC tools as satisfied or not), an
// observation carrying each finding's CloudTrail evidence, and the policy as the back-matter
// resource the assessment plan reference points at (copytrail has no separate OSCAL plan).
import { isoSeconds } from '../../core/time.ts';
import type { Status } from '../model.ts';
import type { FindingRecord, FindingsRun } from './records.ts';
import { uuidV5 } from './uuid.ts';

export const OSCAL_VERSION = '1.2.2';
/** The namespace of copytrail's own props (OSCAL reserves its own namespace for NIST's names). */
export const PROP_NS = 'urn:copytrail:findings';

/**
 * FAIL and UNKNOWN are both not satisfied; the reason tells them apart (`other`: not proven either
 * way, because the trail that would hold the proof was not ingested or a fact is missing).
 */
const STATE: Record<Status, { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other' }> = {
  pass: { state: 'satisfied', reason: 'pass' },
  fail: { state: 'not-satisfied', reason: 'fail' },
  unknown: { state: 'not-satisfied', reason: 'other' },
};

/** OSCAL strings and titles are one line without outer whitespace; record text may be anything. */
export function oneLine(s: string, fallback = '(empty)'): string {
  const flat = s
    .replace(/[\s\u0085\u2028\u2029]+/g, ' ')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return flat || fallback;
}

/** An OSCAL token (an XML NCName): letters, digits, `.`, `-`, `_`, starting with a letter or `_`. */
export function token(s: string): string {
  const t = s.replace(/[^\p{L}\p{N}._-]+/gu, '_');
  return /^(\p{L}|_)/u.test(t) ? t : `_${t}`;
}

const prop = (name: string, value: string | null) =>
  value === null || oneLine(value, '') === '' ? [] : [{ name, ns: PROP_NS, value: oneLine(value) }];

/** What makes two runs "the same run": the report and its inputs, not the clock it was made at. */
export function runKey(run: FindingsRun): string {
  const h = run.header;
  return JSON.stringify([run.report, h.organization, h.subject, h.since, h.until, h.as_of]);
}

/**
 * An instant in the one form OSCAL's date-time takes, which also allows only the years 1900 to 2999:
 * a record's eventTime can be anything, so an instant outside them (or none) gives way to `fallback`.
 */
function instant(t: string | null, fallback: string): string {
  const ms = t === null ? Number.NaN : Date.parse(t);
  const iso = Number.isFinite(ms) ? isoSeconds(ms) : '';
  return /^(19|2\d)\d\d-/.test(iso) ? iso : fallback;
}

function observation(run: FindingsRun, key: string, r: FindingRecord) {
  return {
    uuid: uuidV5(`${key}\0observation\0${r.id}`),
    title: oneLine(`CloudTrail evidence for ${r.id}`),
    description: `The CloudTrail records behind finding ${r.id} (${r.check}) on ${r.resource}.`,
    methods: ['EXAMINE'],
    types: ['finding'],
    props: [...prop('finding-id', r.id), ...prop('resource', r.resource)],
    'relevant-evidence': r.evidence.map((id) => {
      const props = prop('cloudtrail-event-id', id);
      return { description: `CloudTrail event ${id}`, ...(props.length ? { props } : {}) };
    }),
    collected: instant(run.header.generated_at, run.header.generated_at),
  };
}

export function renderOscal(run: FindingsRun): string {
  const h = run.header;
  const key = runKey(run);
  const policyUuid = uuidV5(`${key}\0policy`);
  const withEvidence = run.records.filter((r) => r.evidence.length > 0);
  const observations = withEvidence.map((r) => observation(run, key, r));
  const observationOf = new Map(withEvidence.map((r, i) => [r.id, observations[i]!.uuid]));
  const count = (s: Status) => String(run.records.filter((r) => r.status === s).length);
  const findings = run.records.map((r) => {
    const obs = observationOf.get(r.id);
    return {
      uuid: uuidV5(`${key}\0finding\0${r.id}`),
      title: oneLine(r.title),
      description: r.message || '(no reason given)',
      props: [
        ...prop('finding-id', r.id),
        ...prop('status', r.status.toUpperCase()),
        ...prop('severity', r.severity),
        ...prop('check', r.check),
        ...prop('resource', r.resource),
        ...prop('account', r.account),
        ...prop('region', r.region),
        ...prop('jurisdiction', r.jurisdiction),
        ...prop('requirement', r.requirement),
        ...prop('principal', r.principal),
        ...prop('at', r.at),
      ],
      target: {
        type: 'objective-id',
        'target-id': token(`${run.report}.${r.check}`),
        status: STATE[r.status],
      },
      ...(obs ? { 'related-observations': [{ 'observation-uuid': obs }] } : {}),
    };
  });
  // evidence collection runs from the window's start (else the first event ingested) to the as-of instant
  const made = instant(h.generated_at, h.generated_at);
  const end = instant(h.as_of, made);
  const start = instant(run.evidenceStart, end);
  const result = {
    uuid: uuidV5(`${key}\0result`),
    title: oneLine(`${run.title}: ${h.organization}${h.subject ? ` (subject ${h.subject})` : ''}`),
    description: `copytrail ${run.report} report as of ${h.as_of}${h.since ? `, window from ${h.since}` : ''}${h.until ? ` until ${h.until}` : ''}: ${count('fail')} fail, ${count('unknown')} unknown, ${count('pass')} pass.`,
    start: Date.parse(start) <= Date.parse(end) ? start : end,
    end,
    props: [
      ...prop('report', run.report),
      ...prop('subject', h.subject),
      ...prop('fail-count', count('fail')),
      ...prop('unknown-count', count('unknown')),
      ...prop('pass-count', count('pass')),
    ],
    'reviewed-controls': {
      'control-selections': [
        {
          'include-all': {},
          remarks: `Every check of the copytrail ${run.report} report, judged against the policy in the back-matter.`,
        },
      ],
    },
    ...(observations.length ? { observations } : {}),
    ...(findings.length ? { findings } : {}),
  };
  const doc = {
    'assessment-results': {
      uuid: uuidV5(`${key}\0assessment-results`),
      metadata: {
        title: oneLine(`${run.title} · ${h.organization}`),
        'last-modified': made,
        version: oneLine(h.version),
        'oscal-version': OSCAL_VERSION,
        props: [...prop('generator', `copytrail ${h.version}`)],
      },
      'import-ap': {
        href: `#${policyUuid}`,
        remarks:
          'copytrail judges CloudTrail evidence against its own configured policy; the back-matter resource describes it.',
      },
      results: [result],
      'back-matter': {
        resources: [
          {
            uuid: policyUuid,
            title: oneLine(`copytrail ${run.report} policy`),
            description: run.policy.length ? run.policy.join('\n\n') : 'No policy text.',
            props: [...prop('report', run.report)],
          },
        ],
      },
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
