// The fast normaliser: checks a trail file's records in the prepare workers and hands DuckDB one
// NDJSON line per record, so DuckDB reads each column straight from the line instead of extracting it
// from the record's JSON in SQL. It walks the text once, record by record and field by field, without
// parsing the large values: a line is the record as its file writes it, so DuckDB reads every value
// exactly as the SQL normaliser would; only the fields a record is judged by are decoded here. It
// takes only files it can normalise to exactly the values queries/ingest/stage_records.sql stores; for
// any other file it returns null and the file goes through that SQL, which stays the one definition
// (DESIGN §3).

import { stringEnd } from './json-keys.ts';

/** The top-level fields with a column of their own; every other field goes to `extra`. */
export const KNOWN_FIELDS = new Set([
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'eventType',
  'readOnly',
  'resources',
  'recipientAccountId',
  'serviceEventDetails',
  'sharedEventID',
  'eventCategory',
  'managementEvent',
  'vpcEndpointId',
  'tlsDetails',
  'addendum',
]);

/** The fields read as VARCHAR columns: a file is taken only where each is a string or null. */
export const TEXT_FIELDS = [
  'eventType',
  'eventVersion',
  'eventCategory',
  'awsRegion',
  'recipientAccountId',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestID',
  'sharedEventID',
  'vpcEndpointId',
] as const;

/**
 * One file's records as NDJSON, one line per record (ingest/stage_fast.sql reads them): the record as
 * the file writes it, with `_p` (the file's tag until the loader gives it its id) and `_i` (the
 * record's index in the file) in front and its unknown fields as `_x` behind.
 */
export interface FastRows {
  /**
   * 'records': one line per record (stage_fast.sql); 'file': one line holding the whole file, its
   * records read by DuckDB as typed fields (ingest/typed-trail.ts, insert_events_whole.sql)
   */
  form: 'records' | 'file';
  /** the file's tag in the lines' `_p` */
  tag: number;
  count: number;
  /** the text; a worker hands it over as UTF-8 bytes, so the main thread neither copies nor encodes it */
  lines: string | Uint8Array;
  /**
   * the longest line, for read_json's maximum_object_size: in UTF-16 code units (at most a third of
   * its UTF-8 bytes) for 'records', in bytes for 'file'
   */
  longest: number;
}

// CloudTrail's own form, the only one taken here; DuckDB parses anything else its own way.
const EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// A \u escape can name half a surrogate pair, which JS and DuckDB decode differently; a line break
// would end the NDJSON line. A file with either goes to SQL.
const NOT_TAKEN = /\\u|[\r\n]/;
const INTEGER_LIKE = /^"\d+"$/;

/** True when a CloudTrail eventTime names a real instant, as DuckDB's timestamptz reads it. */
export function isInstant(text: string): boolean {
  const m = EVENT_TIME.exec(text);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  // every month has a 28th; past it, Date.UTC rolls 2026-02-30 over to March, and DuckDB refuses it
  return d <= 28 || new Date(Date.UTC(y, mo - 1, d, h, mi, s)).getUTCDate() === d;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Index just past the string that opens at `open`, or -1 when the text ends first. */
function pastString(text: string, open: number): number {
  const close = stringEnd(text, open);
  return close < 0 ? -1 : close + 1;
}

const SCALAR_START = /[-0-9tfn]/;
const BRACKETS = /["[\]{}]/g;

/** Index just past the object or array that opens at `open` (strings inside skipped), or -1. */
function pastContainer(text: string, open: number): number {
  let depth = 0;
  BRACKETS.lastIndex = open;
  for (;;) {
    const m = BRACKETS.exec(text);
    if (m === null) return -1;
    const at = m.index;
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const end = pastString(text, at);
      if (end < 0) return -1;
      BRACKETS.lastIndex = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (--depth === 0) {
      return at + 1;
    }
  }
}

/** Index just past the value that starts at `at` (no whitespace before it), or -1. */
function pastValue(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return pastString(text, at);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return pastContainer(text, at);
  // a number, true, false or null: up to the next separator; JSON.parse has already checked it.
  // Anything else here is whitespace before the value: not CloudTrail's form
  if (!SCALAR_START.test(text[at] ?? '')) return -1;
  let end = at;
  for (;;) {
    const d = text.charCodeAt(end);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || Number.isNaN(d)) break;
    end++;
  }
  return end > at ? end : -1;
}

/**
 * A record's top-level fields as the text the file holds for each (key without quotes -> value text),
 * in the file's order, and where the record ends; null when a key is written twice, escaped or
 * integer-like (JSON readers disagree on which of two equal keys wins, and JS reorders integer keys).
 */
function fieldsOf(text: string, open: number): { fields: Map<string, string>; end: number } | null {
  if (text.charCodeAt(open) !== OPEN_BRACE) return null;
  const fields = new Map<string, string>();
  let at = open + 1;
  if (text.charCodeAt(at) === CLOSE_BRACE) return { fields, end: at + 1 };
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) return null;
    const keyEnd = pastString(text, at);
    if (keyEnd < 0) return null;
    const key = text.slice(at, keyEnd);
    if (key.includes('\\') || INTEGER_LIKE.test(key)) return null;
    const name = key.slice(1, -1);
    if (fields.has(name) || text.charCodeAt(keyEnd) !== COLON) return null;
    const end = pastValue(text, keyEnd + 1);
    if (end < 0) return null;
    fields.set(name, text.slice(keyEnd + 1, end));
    const next = text.charCodeAt(end);
    if (next === CLOSE_BRACE) return { fields, end: end + 1 };
    if (next !== COMMA) return null;
    at = end + 1;
  }
}

/** The text of a JSON string value, decoded; undefined when the value is not a string. */
function decoded(value: string): string | undefined {
  if (value.charCodeAt(0) !== QUOTE) return undefined;
  return value.includes('\\') ? (JSON.parse(value) as string) : value.slice(1, -1);
}

const isStringOrNull = (v: string | undefined) =>
  v === undefined || v === 'null' || v.charCodeAt(0) === QUOTE;

/**
 * The records of a `{"Records":[…]}` document as NDJSON lines for ingest/stage_fast.sql, or null when
 * the SQL path must take the file: it is not written on one line without spaces between its records
 * and fields, a record would be rejected or holds a field of an unusual type, or a key or escape
 * could be read two ways.
 */
export function normaliseTrail(text: string, tag = 0, parsed = false): FastRows | null {
  const HEAD = '{"Records":[';
  if (!text.startsWith(HEAD) || NOT_TAKEN.test(text.trimEnd())) return null;
  // the whole document must be valid JSON (`parsed`: the caller has parsed it): the walk below only
  // finds where values end
  if (!parsed) {
    try {
      JSON.parse(text);
    } catch {
      return null;
    }
  }
  // the lines' pieces, joined once at the end: far less garbage than growing one string
  const parts: string[] = [];
  let longest = 0;
  let count = 0;
  let pos = HEAD.length;
  if (text.charCodeAt(pos) !== CLOSE_BRACKET) {
    for (;;) {
      const record = fieldsOf(text, pos);
      if (record === null) return null;
      const extra = checkedExtra(record.fields);
      if (extra === null) return null;
      // the record as written, with its file's tag and index in front and its unknown fields behind
      const head = `{"_p":${tag},"_i":${count},`;
      const body = text.slice(pos + 1, record.end - 1);
      const tail = extra === '' ? '}\n' : `,"_x":${extra}}\n`;
      parts.push(head, body, tail);
      const length = head.length + body.length + tail.length;
      if (length > longest) longest = length;
      count++;
      pos = record.end;
      if (text.charCodeAt(pos) !== COMMA) break;
      pos++;
    }
  }
  // `]}` and nothing after it but whitespace
  if (!text.startsWith(']}', pos) || /\S/.test(text.slice(pos + 2))) return null;
  return { form: 'records', tag, count, lines: parts.join(''), longest };
}

/** Keys the lines add to a record; a record holding one of them goes to SQL. */
const LINE_KEYS = new Set(['_p', '_i', '_x']);
const BOOLEAN_OR_NULL = new Set(['true', 'false', 'null']);

/**
 * The record's unknown fields as a JSON object's text ('' when it has none), after checking the
 * fields the SQL normaliser reads its own way; null when SQL must take the record.
 */
function checkedExtra(fields: Map<string, string>): string | null {
  const idText = fields.get('eventID');
  const timeText = fields.get('eventTime');
  const sourceText = fields.get('eventSource');
  const nameText = fields.get('eventName');
  if (idText === undefined || timeText === undefined || sourceText === undefined || nameText === undefined) {
    return null;
  }
  const eventID = decoded(idText);
  const eventName = decoded(nameText);
  const eventSource = decoded(sourceText);
  const eventTime = decoded(timeText);
  if (!eventID || !eventName) return null;
  if (!eventSource || !PRINTABLE_ASCII.test(eventSource)) return null;
  if (eventTime === undefined || !isInstant(eventTime)) return null;
  // a string, or null for null and absence
  for (const field of TEXT_FIELDS) if (!isStringOrNull(fields.get(field))) return null;
  const readOnly = fields.get('readOnly');
  const management = fields.get('managementEvent');
  if (readOnly !== undefined && !BOOLEAN_OR_NULL.has(readOnly)) return null;
  if (management !== undefined && !BOOLEAN_OR_NULL.has(management)) return null;
  // the unknown fields in the file's order
  let extra = '';
  for (const [k, v] of fields) {
    if (KNOWN_FIELDS.has(k)) continue;
    if (LINE_KEYS.has(k)) return null;
    extra += `${extra === '' ? '{' : ','}"${k}":${v}`;
  }
  return extra === '' ? '' : `${extra}}`;
}

/**
 * The text of record `index` of a file normaliseTrail or typedTrail took, as the file spells it;
 * undefined when the file has no such record or is not in a form either takes.
 */
export function recordText(text: string, index: number): string | undefined {
  const HEAD = '{"Records":[';
  if (!text.startsWith(HEAD)) return undefined;
  // a file taken whole may hold whitespace between its records
  const skip = (at: number) => {
    while (/\s/.test(text[at] ?? '')) at++;
    return at;
  };
  let pos = skip(HEAD.length);
  for (let i = 0; ; i++) {
    const end = pastContainer(text, pos);
    if (end < 0) return undefined;
    if (i === index) return text.slice(pos, end);
    const next = skip(end);
    if (text.charCodeAt(next) !== COMMA) return undefined;
    pos = skip(next + 1);
  }
}
