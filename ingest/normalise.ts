// The fast normaliser: a trail file's records to the canonical event columns in one JSON.parse, in
// the prepare workers, so DuckDB receives typed rows instead of JSON it must parse again. It takes only
// files it can normalise to exactly the values queries/ingest/stage_records.sql stores; for any other
// file it returns null and the file goes through that SQL, which stays the one definition (DESIGN §3).

/** The top-level fields with a column of their own; every other field goes to `extra`. */
const KNOWN_FIELDS = new Set([
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

/** The VARCHAR columns read straight from a top-level string field, in column order. */
export const TEXT_COLUMNS = [
  ['event_type', 'eventType'],
  ['event_version', 'eventVersion'],
  ['event_category', 'eventCategory'],
  ['aws_region', 'awsRegion'],
  ['recipient_account_id', 'recipientAccountId'],
  ['source_ip', 'sourceIPAddress'],
  ['user_agent', 'userAgent'],
  ['error_code', 'errorCode'],
  ['error_message', 'errorMessage'],
  ['request_id', 'requestID'],
  ['shared_event_id', 'sharedEventID'],
  ['vpc_endpoint_id', 'vpcEndpointId'],
] as const;

/** The userIdentity fields with a column, in column order. */
export const ACTOR_COLUMNS = [
  ['actor_type', 'type'],
  ['actor_arn', 'arn'],
  ['actor_account_id', 'accountId'],
  ['actor_principal_id', 'principalId'],
  ['invoked_by', 'invokedBy'],
] as const;

/** The JSON columns, kept as the value's JSON text, in column order. */
export const JSON_COLUMNS = [
  ['user_identity', 'userIdentity'],
  ['request_parameters', 'requestParameters'],
  ['response_elements', 'responseElements'],
  ['additional_event_data', 'additionalEventData'],
  ['service_event_details', 'serviceEventDetails'],
  ['resources', 'resources'],
  ['tls_details', 'tlsDetails'],
  ['addendum', 'addendum'],
] as const;

/**
 * One file's records as NDJSON, one line per record (ingest/stage_fast.sql reads them): `p` tags the
 * file until the loader gives it its id, `i` is the record's index in the file, `r` its JSON text
 * (for a reject that names it), then the canonical columns, the JSON ones as JSON values.
 */
export interface FastRows {
  /** the file's tag in the lines' `p` */
  tag: number;
  count: number;
  lines: string;
  /** the longest line, for read_json's maximum_object_size */
  longest: number;
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// CloudTrail's own form, the only one taken here; DuckDB parses anything else its own way.
const EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
const SOURCE_HOST = /^([a-z0-9.-]+\.amazonaws\.com)\..*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Text JSON.stringify and DuckDB's JSON writer spell differently: a \u escape with a lowercase hex
// letter (\u001f vs \u001F, lone surrogates), a number with an exponent with "+" (1e+21 vs 1e21),
// and integers too long for a 64-bit reader. The escape is looked for in the whole text (a match
// inside a string's own backslash only sends the file down the SQL path); the numbers are looked for
// among the parsed numbers, since hex digests and ids in strings hold long runs of digits.
const ESCAPE_SPELT_DIFFERENTLY = /\\u[0-9a-fA-F]{0,3}[a-f]/;
const NUMBER_SPELT_DIFFERENTLY = /\de\+|\d{19}/;

/** True when a number inside `v` is spelt by JSON.stringify as DuckDB would not spell it. */
function holdsOddNumber(v: unknown): boolean {
  if (typeof v === 'number') return NUMBER_SPELT_DIFFERENTLY.test(String(v));
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (const item of v) if (holdsOddNumber(item)) return true;
    return false;
  }
  for (const k in v) if (holdsOddNumber((v as Obj)[k])) return true;
  return false;
}

/** True when a CloudTrail eventTime names a real instant, as DuckDB's timestamptz reads it. */
function isInstant(text: string): boolean {
  const m = EVENT_TIME.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  if (y! < 1 || mo! < 1 || mo! > 12 || d! < 1 || h! > 23 || mi! > 59 || s! > 59) return false;
  // Date.UTC rolls 2026-02-30 over to March; DuckDB refuses it
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)).getUTCDate() === d;
}

const str = (v: unknown): string | null | undefined =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : undefined;
const bool = (v: unknown): boolean | null | undefined =>
  v === undefined || v === null ? null : typeof v === 'boolean' ? v : undefined;

/**
 * The records of a `{"Records":[…]}` document as canonical columns, or null when the SQL path must
 * take the file: it is not exactly JSON.stringify's own text (so a duplicate key, a number written
 * another way or an escape could change a value), or a record would be rejected or hold a field of
 * an unusual type.
 */
export function normaliseTrail(text: string, tag = 0): FastRows | null {
  const HEAD = '{"Records":[';
  if (!text.startsWith(HEAD) || ESCAPE_SPELT_DIFFERENTLY.test(text)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(doc) || !Array.isArray(doc.Records)) return null;
  // the text holds a run of digits or an exponent somewhere: only a number spelt so counts
  if (NUMBER_SPELT_DIFFERENTLY.test(text) && holdsOddNumber(doc.Records)) return null;
  const keys = Object.keys(doc);
  if (keys.length !== 1) return null;
  const records = doc.Records as unknown[];
  let lines = '';
  let longest = 0;
  let pos = HEAD.length;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!isObject(r)) return null;
    if (i > 0) {
      if (text.charCodeAt(pos) !== 0x2c) return null;
      pos++;
    }
    // the record must be spelt exactly as JSON.stringify spells it: then no key is written twice and
    // every value reads back as written
    const raw = JSON.stringify(r);
    if (!text.startsWith(raw, pos)) return null;
    pos += raw.length;
    const line = recordLine(r, raw);
    if (line === null) return null;
    const full = `{"p":${tag},"i":${i},${line}}\n`;
    if (full.length > longest) longest = full.length;
    lines += full;
  }
  // `]}` and nothing after it but whitespace
  if (!text.startsWith(']}', pos) || /\S/.test(text.slice(pos + 2))) return null;
  return { tag, count: records.length, lines, longest };
}

const q = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

/** The record's columns as the body of its NDJSON line, or null when SQL must take it. */
function recordLine(r: Obj, raw: string): string | null {
  const { eventID, eventTime, eventSource, eventName } = r;
  if (typeof eventID !== 'string' || eventID === '') return null;
  if (typeof eventName !== 'string' || eventName === '') return null;
  if (typeof eventSource !== 'string' || eventSource === '' || !PRINTABLE_ASCII.test(eventSource)) {
    return null;
  }
  if (typeof eventTime !== 'string' || !isInstant(eventTime)) return null;
  // proxies rewrite hosts (kms.amazonaws.com.rproxy.goskope.com): keep the service's own name
  let line = `"r":${raw},"event_id":${JSON.stringify(eventID)},"event_time_text":${JSON.stringify(eventTime)},"event_source":${JSON.stringify(eventSource.replace(SOURCE_HOST, '$1'))},"event_name":${JSON.stringify(eventName)}`;
  for (const [column, field] of TEXT_COLUMNS) {
    const v = str(r[field]);
    if (v === undefined) return null;
    line += `,"${column}":${q(v)}`;
  }
  const identity = r.userIdentity;
  let issuerArn: string | null = null;
  if (identity === undefined || identity === null) {
    for (const [column] of ACTOR_COLUMNS) line += `,"${column}":null`;
  } else {
    if (!isObject(identity)) return null;
    for (const [column, field] of ACTOR_COLUMNS) {
      const v = str(identity[field]);
      if (v === undefined) return null;
      line += `,"${column}":${q(v)}`;
    }
    const context = identity.sessionContext;
    if (context !== undefined && context !== null) {
      if (!isObject(context)) return null;
      const issuer = context.sessionIssuer;
      if (issuer !== undefined && issuer !== null) {
        if (!isObject(issuer)) return null;
        const arn = str(issuer.arn);
        if (arn === undefined) return null;
        issuerArn = arn;
      }
    }
  }
  const readOnly = bool(r.readOnly);
  const management = bool(r.managementEvent);
  if (readOnly === undefined || management === undefined) return null;
  line += `,"session_issuer_arn":${q(issuerArn)},"read_only":${readOnly},"management_event":${management}`;
  for (const [column, field] of JSON_COLUMNS) {
    // a JSON null is stored as SQL NULL, as json_transform reads it
    const v = r[field];
    line += `,"${column}":${v === undefined || v === null ? 'null' : JSON.stringify(v)}`;
  }
  // the unknown fields in their order, as text: an object would reorder integer-like keys (a record
  // with one is not canonical and never gets here, but the text is cheaper anyway)
  let extra = '';
  for (const k in r) {
    if (KNOWN_FIELDS.has(k)) continue;
    extra += `${extra === '' ? '{' : ','}${JSON.stringify(k)}:${JSON.stringify(r[k])}`;
  }
  return `${line},"extra":${extra === '' ? 'null' : `${extra}}`}`;
}
