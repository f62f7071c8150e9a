// The typed form of a trail file: the whole file goes to DuckDB as one NDJSON line, and DuckDB reads
// each record's fields straight into typed columns (queries/ingest/insert_events_whole.sql, after
// stage_whole.sql has staged their keys), as it reads the
// records of normalise.ts's lines. Here the file is only parsed and judged: no record is cut out of
// the text or written again, which is most of normalise.ts's cost. A file is taken only where
// DuckDB's typed read stores exactly what stage_records.sql would: every record an object of known
// fields, the fields a record is judged by of the right type. A file with unknown fields keeps them
// only through normalise.ts (`extra`), so it goes there.
//
// One fault cannot be seen after JSON.parse: a key written twice in a record (JSON.parse keeps the
// last). DuckDB refuses such a line, and the loader then prepares the batch's typed files again
// through normalise.ts, which sends that file to SQL.
import { isAscii, isUtf8 } from 'node:buffer';
import { type FastRows, isInstant, KNOWN_FIELDS, PRINTABLE_ASCII, TEXT_FIELDS } from './normalise.ts';

/**
 * Largest file taken whole, no more than a spool piece (TYPED_PIECE_BYTES): DuckDB parses a line at
 * once, at several times its size, and files of 25 MB ran past the 256 MB ingest limit. A larger
 * file goes a line per record.
 */
export const TYPED_MAX_BYTES = 4 * 1024 * 1024;

const HEAD = '{"Records":[';
const OPEN_BRACE = 0x7b;

/**
 * Fields CloudTrail writes that have no column of their own, in the order it writes them: read typed
 * and joined into `extra` by insert_events_whole.sql, which names them in this order. A record holding one of
 * them null, or two of them in another order, goes to normalise.ts, which spells `extra` as written.
 */
export const TYPED_EXTRA = [
  'apiVersion',
  'vpcEndpointAccountId',
  'sessionCredentialFromConsole',
  'edgeDeviceDetails',
];

const isText = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const isFlag = (v: unknown) => v === undefined || v === null || typeof v === 'boolean';

/** True when DuckDB's typed read of this record stores what the SQL normaliser would. */
function typedRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  let last = -1;
  for (const key in r) {
    if (KNOWN_FIELDS.has(key)) continue;
    const at = TYPED_EXTRA.indexOf(key);
    if (at <= last || r[key] === null) return false;
    last = at;
  }
  // an Insights record counts calls, it is not one: prepare-file.ts skips a file of them
  if (r.eventType === 'AwsCloudTrailInsight' || r.eventCategory === 'Insight') return false;
  const { eventID, eventName, eventSource, eventTime } = r;
  if (typeof eventID !== 'string' || eventID === '') return false;
  if (typeof eventName !== 'string' || eventName === '') return false;
  if (typeof eventSource !== 'string' || eventSource === '' || !PRINTABLE_ASCII.test(eventSource))
    return false;
  if (typeof eventTime !== 'string' || !isInstant(eventTime)) return false;
  for (const field of TEXT_FIELDS) if (!isText(r[field])) return false;
  return isFlag(r.readOnly) && isFlag(r.managementEvent);
}

const isJsonSpace = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Where the bytes end without the whitespace they may end with. */
function trimmedEnd(body: Buffer): number {
  let end = body.length;
  while (end > 0 && isJsonSpace(body[end - 1])) end--;
  return end;
}

/**
 * True when the bytes hold a `\u` escape (JS and DuckDB decode half a surrogate pair differently)
 * or a line break before `end` (it would end the NDJSON line): searched in the bytes, as normalise.ts's
 * NOT_TAKEN searches text.
 */
function notTaken(body: Buffer, end: number): boolean {
  if (body.indexOf('\\u') >= 0) return true;
  const lf = body.indexOf(0x0a);
  const cr = body.indexOf(0x0d);
  return (lf >= 0 && lf < end) || (cr >= 0 && cr < end);
}

/**
 * The file parsed, when its bytes can go to DuckDB as they are: on one line, as UTF-8; else undefined,
 * also when it is not valid JSON. `text` is `body` decoded.
 */
function parsedWhole(text: string, body: Buffer): unknown {
  if (body.length > TYPED_MAX_BYTES || body[0] !== OPEN_BRACE || !text.startsWith(HEAD)) return undefined;
  if (notTaken(body, trimmedEnd(body)) || !(isAscii(body) || isUtf8(body))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The file parsed by parsedWhole as its typed line `{"_p":<tag>,"Records":[…]}` for stage_whole.sql and
 * insert_events_whole.sql, as
 * bytes of its own (a worker moves them to the main thread); null when a record is not one DuckDB's
 * typed read stores as SQL would.
 */
function typedLine(doc: unknown, body: Buffer, tag: number): FastRows | null {
  const records = (doc as { Records: unknown[] }).Records;
  // nothing beside Records: DuckDB would read past it without a word
  if (Object.keys(doc as object).length !== 1 || !Array.isArray(records)) return null;
  for (const record of records) if (!typedRecord(record)) return null;
  // the line: the file's bytes after its opening brace, without the whitespace it may end with
  const end = trimmedEnd(body);
  const head = Buffer.from(`{"_p":${tag},`);
  // an array of its own, never a slice of Node's shared pool: the worker moves it whole
  const line = new Uint8Array(head.length + (end - 1) + 1);
  line.set(head, 0);
  line.set(body.subarray(1, end), head.length);
  line[line.length - 1] = 0x0a;
  return { form: 'file', tag, count: records.length, lines: line, longest: line.length };
}

/**
 * The file as its typed line (typedLine) in `rows`, or null there when normalise.ts or SQL must take
 * it; `parsed` tells whether the text was found to be valid JSON on the way, so normalise.ts need not
 * parse it again.
 */
export function typedTrail(
  text: string,
  body: Buffer,
  tag: number,
): { rows: FastRows | null; parsed: boolean } {
  const doc = parsedWhole(text, body);
  return doc === undefined
    ? { rows: null, parsed: false }
    : { rows: typedLine(doc, body, tag), parsed: true };
}
