// `lineage`: from any artifact or copy id, up to the origin and down to every descendant, as the
// DESIGN §4 records (json), a table for people, or Graphviz (dot).
import { z } from 'zod';
import { renderRows } from '../core/cli-kit.ts';
import { textTable } from '../core/format.ts';
import type { Store } from '../queries/store.ts';

const s = z.string().nullable();
const CopyRow = z.object({
  copy_id: z.string(),
  kind: z.string(),
  api: z.string(),
  mechanism: z.string(),
  status: z.string(),
  error_code: s,
  requested_at: s,
  request_event_id: z.string(),
  principal_arn: s,
  source_id: s,
  source_arn: s,
  source_region: s,
  source_account: s,
  source_key_arn: s,
  target_id: s,
  target_arn: s,
  target_region: s,
  target_account: s,
  target_key_arn: s,
  key_change: s,
  parent_copy_id: s,
  kms_unattributed: z.coerce.number().nullable(),
  // a LIST arrives as an array or as its JSON text
  associated_key_arns: z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(z.string())),
  engine: s,
  completed_at: s,
});

const EvidenceRow = z.object({
  copy_id: z.string(),
  event_id: z.string(),
  event_name: z.string(),
  side: z.string(),
  region: s,
  account: s,
  key_arn: s,
  match: z.string(),
  certainty: z.enum(['certain', 'ambiguous', 'weak']),
  event_time: s,
});

const ReplicationRow = z.object({
  copy_id: z.string(),
  role: s,
  ended_at: s,
  side: z.enum(['source', 'target']).nullable(),
  event_name: s,
  region: s,
  events: z.coerce.number(),
  denied: z.coerce.number(),
  records: z.coerce.number(),
  hours: z.coerce.number(),
  first_hour: s,
  last_hour: s,
});

/**
 * An S3 replication edge's evidence: one KMS call per object, so counts per side and operation
 * instead of a list of events (copy_evidence_hourly keeps them per hour).
 */
export interface ReplicationRollup {
  role: string | null;
  ended_at: string | null;
  evidence: 'kms' | 'declared, no evidence';
  calls: {
    side: 'source' | 'target';
    event_name: string;
    region: string | null;
    events: number;
    denied: number;
    records: number;
    hours: number;
    first_hour: string | null;
    last_hour: string | null;
  }[];
}

export interface Evidence {
  event_id: string;
  event_name: string;
  side: string;
  region: string | null;
  account: string | null;
  key_arn: string | null;
  match: string;
  certainty: 'certain' | 'ambiguous' | 'weak';
}

export interface LineageRecord {
  copy_id: string;
  kind: string;
  api: string;
  mechanism: string;
  status: string;
  error_code: string | null;
  requested_at: string | null;
  /** When the copy is known to have finished (a completing service event, or its target copied on). */
  completed_at: string | null;
  /** The database engine of an RDS-family copy (aurora-postgresql, docdb, neptune, ...). */
  engine: string | null;
  request_event_id: string;
  principal_arn: string | null;
  source: {
    id: string | null;
    arn: string | null;
    region: string | null;
    account: string | null;
    key_arn: string | null;
  };
  target: {
    id: string | null;
    arn: string | null;
    region: string | null;
    account: string | null;
    key_arn: string | null;
    /** Further keys associated with the target (AssociateKmsKeyId), each a way to its data. */
    associated_key_arns: string[];
  };
  key_change: string | null;
  parent_copy_id: string | null;
  /**
   * How many evidence events vouch for the copy alone, fit several copies, or are weak hints; and
   * how many KMS records fit it only by key and time but fit other copies too (listed on none).
   */
  evidence_counts: Record<Evidence['certainty'] | 'unattributed', number>;
  evidence: Evidence[];
  /** S3 replication edges only: the hourly evidence rolled up. */
  replication?: ReplicationRollup;
}

/** The id an ARN names: its last segment (snap-…, ami-…, a DB snapshot name) or the whole text. */
function idOf(ref: string): string {
  if (!ref.startsWith('arn:')) return ref;
  const rds = /^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$/.exec(ref);
  return rds ? rds[1]! : ref.replace(/^.*[:/]/, '');
}

function countCertainty(evidence: Evidence[], unattributed: number): LineageRecord['evidence_counts'] {
  const counts = { certain: 0, ambiguous: 0, weak: 0, unattributed };
  for (const e of evidence) counts[e.certainty] += 1;
  return counts;
}

const Unchained = z.object({ copies: z.coerce.number() });

/**
 * Copies connected to `ref` (all copies when ref is null), origin first: the copies naming it, their
 * stored chains up to the root, and every copy whose chain runs through them (correlate stores the
 * chains; see queries/correlate/copy_chains.sql for the depth cap and cycles).
 */
export async function lineage(store: Store, ref: string | null): Promise<LineageRecord[]> {
  const { copies: unchained } = await store.one('lineage/unchained', Unchained);
  if (unchained > 0) {
    throw new Error(
      `${unchained} copies have no stored copy chain (correlated by an older copytrail): run copytrail correlate`,
    );
  }
  const chosen = await store.all('lineage/copies', CopyRow, { ref, id: ref === null ? null : idOf(ref) });
  const evidence = await store.all('lineage/evidence', EvidenceRow);
  const evBy = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const list = evBy.get(e.copy_id) ?? [];
    list.push({
      event_id: e.event_id,
      event_name: e.event_name,
      side: e.side,
      region: e.region,
      account: e.account,
      key_arn: e.key_arn,
      match: e.match,
      certainty: e.certainty,
    });
    evBy.set(e.copy_id, list);
  }
  const rollups = new Map<string, ReplicationRollup>();
  for (const r of await store.all('lineage/replication', ReplicationRow)) {
    const rollup = rollups.get(r.copy_id) ?? {
      role: r.role,
      ended_at: r.ended_at,
      evidence: 'declared, no evidence',
      calls: [],
    };
    if (r.side) {
      const { side, event_name, region, events, denied, records, hours, first_hour, last_hour } = r;
      rollup.calls.push({
        side,
        event_name: event_name ?? '',
        region,
        events,
        denied,
        records,
        hours,
        first_hour,
        last_hour,
      });
      // only calls that went through show data moved; denied ones show it did not
      if (events > denied) rollup.evidence = 'kms';
    }
    rollups.set(r.copy_id, rollup);
  }
  return chosen.map((c) => ({
    copy_id: c.copy_id,
    kind: c.kind,
    api: c.api,
    mechanism: c.mechanism,
    status: c.status,
    error_code: c.error_code,
    requested_at: c.requested_at,
    completed_at: c.completed_at,
    engine: c.engine,
    request_event_id: c.request_event_id,
    principal_arn: c.principal_arn,
    source: {
      id: c.source_id,
      arn: c.source_arn,
      region: c.source_region,
      account: c.source_account,
      key_arn: c.source_key_arn,
    },
    target: {
      id: c.target_id,
      arn: c.target_arn,
      region: c.target_region,
      account: c.target_account,
      key_arn: c.target_key_arn,
      associated_key_arns: c.associated_key_arns,
    },
    key_change: c.key_change,
    parent_copy_id: c.parent_copy_id,
    evidence_counts: countCertainty(evBy.get(c.copy_id) ?? [], c.kms_unattributed ?? 0),
    evidence: evBy.get(c.copy_id) ?? [],
    ...(rollups.has(c.copy_id) ? { replication: rollups.get(c.copy_id) } : {}),
  }));
}

/** A replication's evidence in a few words: calls per side, denied ones, or that it has none. */
function rollupText(r: ReplicationRollup): string {
  if (r.calls.length === 0) return 'declared, no evidence';
  return r.calls
    .map(
      (c) =>
        `${c.side}:${c.event_name}:${c.events}${c.denied ? ` (${c.denied} denied)` : ''} ${c.first_hour ?? ''}..${c.last_hour ?? ''}`,
    )
    .join(' ');
}

const shortKey = (arn: string | null) => (arn ? arn.replace(/^arn:[^:]+:kms:[^:]+:(\d+):key\//, '$1/') : '-');

/** What `lineage` prints: --output's four, and Graphviz through --format dot. */
export type LineageFormat = 'table' | 'json' | 'csv' | 'text' | 'dot';

/** `arn:aws:kms:eu-west-1:1111…/abcd-1234`: both ends of an id kept, where it is told apart. */
export function shortenMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const tail = Math.floor((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}…${tail > 0 ? text.slice(-tail) : ''}`;
}

/** Below this a shortened id is hard to recognise: columns are left out before they get narrower. */
const READABLE_COLUMN = 20;
/** The narrowest a shortened column gets when nothing more can be left out. */
const MIN_COLUMN = 10;

export interface FittedTable {
  header: string[];
  rows: string[][];
  /** headers of the columns left out to fit */
  dropped: string[];
}

function shrink(
  header: string[],
  rows: string[][],
  width: number,
  keep: readonly number[],
  floorWidth: number,
) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // a column in `keep` (a time, a mechanism) is short and read whole: only ids and texts give way
  const floor = header.map((h, i) => (keep.includes(i) ? widths[i]! : Math.max(h.length, floorWidth)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floor[i]! && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  return { widths, fits: total() <= width };
}

/**
 * A table whose lines fit `width` (two spaces between columns). Cells are shortened in the middle,
 * the widest column a character at a time, down to READABLE_COLUMN; when that is not enough, the
 * columns in `droppable` are left out in that order (and named in `dropped`); only then do the rest
 * shrink to MIN_COLUMN. The columns in `keep` are never shortened. json, csv and text keep everything.
 */
export function fitTable(
  header: string[],
  rows: string[][],
  width: number,
  keep: readonly string[] = [],
  droppable: readonly string[] = [],
): FittedTable {
  let cols = header.map((_, i) => i);
  const dropped: string[] = [];
  const attempt = (floorWidth: number) =>
    shrink(
      cols.map((i) => header[i]!),
      rows.map((r) => cols.map((i) => r[i]!)),
      width,
      cols.flatMap((i, j) => (keep.includes(header[i]!) ? [j] : [])),
      floorWidth,
    );
  let fit = attempt(READABLE_COLUMN);
  for (const name of droppable) {
    if (fit.fits) break;
    cols = cols.filter((i) => header[i] !== name);
    dropped.push(name);
    fit = attempt(READABLE_COLUMN);
  }
  if (!fit.fits) fit = attempt(MIN_COLUMN);
  return {
    header: cols.map((i) => header[i]!),
    rows: rows.map((r) => cols.map((i, j) => shortenMiddle(r[i]!, fit.widths[j]!))),
    dropped,
  };
}

/** The terminal's width; piped or redirected, $COLUMNS if set, else 160. */
export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 20 ? env : 160;
}

/** One flat row per copy, ids and ARNs whole: the csv and text outputs. */
const FLAT_COLUMNS = [
  'copy_id',
  'requested_at',
  'api',
  'mechanism',
  'status',
  'error_code',
  'source_id',
  'source_region',
  'source_account',
  'source_key_arn',
  'target_id',
  'target_region',
  'target_account',
  'target_key_arn',
  'key_change',
  'evidence',
  'unattributed',
  'parent_copy_id',
] as const;

function flat(r: LineageRecord): Record<(typeof FLAT_COLUMNS)[number], string | number | null> {
  return {
    copy_id: r.copy_id,
    requested_at: r.requested_at,
    api: r.api,
    mechanism: r.mechanism,
    status: r.status,
    error_code: r.error_code,
    source_id: r.source.id,
    source_region: r.source.region,
    source_account: r.source.account,
    source_key_arn: r.source.key_arn,
    target_id: r.target.id,
    target_region: r.target.region,
    target_account: r.target.account,
    target_key_arn: r.target.key_arn,
    key_change: r.key_change,
    evidence: r.replication
      ? r.replication.calls.reduce((sum, c) => sum + c.events - c.denied, 0)
      : r.evidence.length,
    unattributed: r.evidence_counts.unattributed,
    parent_copy_id: r.parent_copy_id,
  };
}

function table(records: LineageRecord[], width: number): string {
  const header = ['requested_at', 'api', 'mechanism', 'status', 'source', 'target', 'keys', 'evidence'];
  const rows = records.map((r) => {
    const counts = new Map<string, number>();
    for (const e of r.evidence) counts.set(e.match, (counts.get(e.match) ?? 0) + 1);
    return [
      r.requested_at ?? '',
      // DocumentDB and Neptune copies are RDS calls: the engine tells them apart
      r.engine ? `${r.api} (${r.engine})` : r.api,
      r.mechanism,
      r.error_code ? `failed ${r.error_code}` : r.status,
      `${r.source.id ?? '?'} ${r.source.region ?? '?'}/${r.source.account ?? '?'}`,
      `${r.target.id ?? '?'} ${r.target.region ?? '?'}/${r.target.account ?? '?'}`,
      `${shortKey(r.source.key_arn)} -> ${shortKey(r.target.key_arn)} (${r.key_change ?? 'unknown'})${r.target.associated_key_arns.map((k) => ` +${shortKey(k)}`).join('')}`,
      r.replication
        ? rollupText(r.replication)
        : [
            r.evidence.length ? [...counts].map(([m, n]) => `${m}:${n}`).join(' ') : 'NO KMS EVIDENCE',
            r.evidence_counts.unattributed ? `(+${r.evidence_counts.unattributed} unattributed)` : '',
          ]
            .filter(Boolean)
            .join(' '),
    ];
  });
  // requested_at and mechanism stay whole; keys, then evidence, make room on a narrow terminal
  const fitted = fitTable(header, rows, width, ['requested_at', 'mechanism'], ['keys', 'evidence']);
  const count = `${records.length} ${records.length === 1 ? 'copy' : 'copies'}`;
  const left = fitted.dropped.length
    ? `; ${fitted.dropped.join(' and ')} left out to fit ${width} columns; --output json shows every field`
    : '';
  return `${textTable(fitted.header, fitted.rows)}\n(${count}${left})`;
}

/** Graphviz: one node per artifact location, one edge per copy. Labels are quoted and escaped. */
function dot(records: LineageRecord[]): string {
  // a quoted DOT string: backslashes and quotes escaped, each line break written as \n (which
  // Graphviz draws as a centred line), so no value can close the string or start a statement
  const q = (v: string) =>
    `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replace(/\r/g, '').replace(/\n/g, '\\n')}"`;
  const node = (side: LineageRecord['source']) =>
    `${side.id ?? '?'}\n${side.region ?? '?'} / ${side.account ?? '?'}`;
  const lines = ['digraph lineage {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const r of records) {
    // a replication's evidence is counted in calls (one per object), not listed
    const n = r.replication
      ? r.replication.calls.reduce((sum, c) => sum + c.events - c.denied, 0)
      : r.evidence.length;
    const failed = r.error_code
      ? `\nFAILED ${r.error_code}`
      : r.status === 'failing'
        ? '\nFAILING (KMS denied)'
        : '';
    const label = `${r.api} (${r.mechanism})\n${r.requested_at ?? ''}\nkey: ${r.key_change ?? 'unknown'}, evidence: ${n}${failed}`;
    lines.push(
      `  ${q(node(r.source))} -> ${q(node(r.target))} [label=${q(label)}${failed ? ', style=dashed, color=red' : n === 0 ? ', color=orange' : ''}];`,
    );
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * The records in a format. `width` is what a table's lines must fit: the `lineage` command passes the
 * terminal's (terminalWidth()); other callers get every value whole.
 */
export function renderLineage(
  records: LineageRecord[],
  format: LineageFormat,
  width: number = Number.POSITIVE_INFINITY,
): string {
  if (format === 'json') return JSON.stringify(records, null, 2);
  if (format === 'dot') return dot(records);
  if (format === 'csv' || format === 'text') return renderRows([...FLAT_COLUMNS], records.map(flat), format);
  return table(records, width);
}
