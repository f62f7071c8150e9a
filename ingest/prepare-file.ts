// Turns one input file into one NDJSON line `{"_f":<file_id>,"Records":[…]}` for the batch loader.
// Trail files ({"Records":[…]}) and bare arrays are passed through as text without parsing in Node;
// anything else (single records, NDJSON, digests) is parsed here. Corrupt files become rejections.
import { constants as bufferConstants, isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { createGunzip, gunzip, gunzipSync } from 'node:zlib';
import { MAX_FILE_BYTES } from '../core/sources.ts';
import { topLevelShape } from './json-keys.ts';
import { type FastRows, normaliseTrail } from './normalise.ts';
import { SKIP_RULES } from './outcomes.ts';
import { typedTrail } from './typed-trail.ts';

const gunzipAsync = promisify(gunzip);

// the ceiling is declared with the dir source's --max-file-size (core/sources.ts)
export { MAX_FILE_BYTES };

/** The longest text Node can hold: a file just under MAX_FILE_BYTES cannot become a string. */
const MAX_TEXT_BYTES = Math.min(MAX_FILE_BYTES, bufferConstants.MAX_STRING_LENGTH);

/** Largest corrupt binary file whose bytes are copied into rejects (as base64). */
const MAX_RAW_COPY_BYTES = 64 * 1024 * 1024;

export interface RecordReject {
  index: number;
  reason: string;
  raw: string;
}

export type Prepared =
  | { kind: 'log'; sha256: string; line: string; text: string; recordRejects: RecordReject[] }
  /** a trail file checked here, every record valid: one NDJSON line a record for stage_fast.sql */
  | { kind: 'fast'; sha256: string; rows: FastRows }
  | { kind: 'digest'; sha256: string; digest: unknown }
  | { kind: 'skipped'; sha256: string; rule: string; records: number; note: string }
  | { kind: 'rejected'; sha256: string | null; reason: string; raw: string };

/** How trail files are normalised: by SQL, a JS line per record, or whole and typed where possible. */
export type FastMode = 'off' | 'records' | 'typed';

export interface PrepareOptions {
  /** Largest file accepted, after decompression (default MAX_FILE_BYTES). */
  maxBytes?: number;
  /**
   * Normalise a plain trail file here (ingest/normalise.ts) when it can be, instead of an NDJSON line
   * of its records; its lines are tagged with this number.
   */
  fastTag?: number;
  /**
   * With fastTag: take the file whole, read typed by DuckDB (ingest/typed-trail.ts), where it can be
   * (default true); false keeps to one line per record.
   */
  typed?: boolean;
}

const RECORDS_ARRAY_FIRST = /^\{\s*"Records"\s*:\s*\[/;

function tooLarge(maxBytes: number): Prepared {
  return {
    kind: 'rejected',
    sha256: null,
    reason: `too large after decompression (> ${maxBytes} bytes)`,
    raw: '',
  };
}

/**
 * True when the gzip stream inflates to more than `maxBytes`, counted without keeping the output;
 * an Error when it does not inflate at all.
 */
function inflatesPast(bytes: Buffer, maxBytes: number): Promise<boolean | Error> {
  return new Promise((resolve) => {
    const z = createGunzip();
    let total = 0;
    let settled = false;
    const settle = (v: boolean | Error) => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    z.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        settle(true);
        z.destroy();
      }
    });
    z.on('end', () => settle(false));
    z.on('error', (err) => settle(err));
    z.end(bytes);
  });
}

/** The inflated bytes, or the rejection: corrupt, or larger than the cap (memory never exceeds it). */
async function gunzipCapped(bytes: Buffer, maxBytes: number): Promise<Buffer | Prepared> {
  // the bytes are kept as base64 while that stays a modest string; past it, the file itself is the copy
  const corrupt = (err: Error): Prepared => ({
    kind: 'rejected',
    sha256: null,
    reason: `corrupt gzip: ${err.message}`,
    raw: bytes.length <= MAX_RAW_COPY_BYTES ? `base64:${bytes.toString('base64')}` : '',
  });
  // The trailer holds the last member's size mod 2^32: a hint only. When it claims more than the cap,
  // count the output first, so a bomb is refused without ever holding a cap's worth of it.
  if (bytes.length >= 18 && bytes.readUInt32LE(bytes.length - 4) > maxBytes) {
    const past = await inflatesPast(bytes, maxBytes);
    if (past === true) return tooLarge(maxBytes);
    if (past instanceof Error) return corrupt(past);
  }
  // output in one piece when the trailer tells its size (not past what deflate could inflate to):
  // no pieces to join afterwards
  const chunkSize =
    bytes.length >= 18
      ? Math.max(64 * 1024, Math.min(bytes.readUInt32LE(bytes.length - 4) + 1, bytes.length * 1032, maxBytes))
      : undefined;
  try {
    // small files: the thread pool's overhead costs more than inflating them here
    return bytes.length < 256 * 1024
      ? gunzipSync(bytes, { maxOutputLength: maxBytes, chunkSize })
      : await gunzipAsync(bytes, { maxOutputLength: maxBytes, chunkSize });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(maxBytes);
    return corrupt(err as Error);
  }
}

export async function prepareFile(
  bytes: Buffer,
  fileId: number,
  digestByPath: boolean,
  options: PrepareOptions = {},
): Promise<Prepared> {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  let body = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const inflated = await gunzipCapped(bytes, maxBytes);
    if (!Buffer.isBuffer(inflated)) return inflated;
    body = inflated;
  } else if (bytes.length > maxBytes) {
    return {
      kind: 'rejected',
      sha256: null,
      reason: `too large: ${bytes.length} bytes (> ${maxBytes} bytes)`,
      raw: '',
    };
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (body.length > MAX_TEXT_BYTES) {
    return {
      kind: 'rejected',
      sha256,
      reason: `too large to read as text: ${body.length} bytes (> ${MAX_TEXT_BYTES} bytes)`,
      raw: '',
    };
  }
  // most trail files are ASCII: read as Latin-1 they become a string by a plain copy, not a decode
  let text = isAscii(body) ? body.toString('latin1') : body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.search(/\S/);
  if (start < 0) return { kind: 'rejected', sha256, reason: 'empty file', raw: text };
  if (digestByPath) return parseDigest(text, sha256);

  // A plain trail file is parsed and judged once, before any walk of its text: taken whole
  // (typed-trail.ts) when it can be. A key written twice, which JSON.parse cannot see (two "Records"
  // too), makes DuckDB refuse the file's batch, and the loader prepares it again without `typed`.
  const tag = options.fastTag;
  const whole =
    tag !== undefined && options.typed !== false && start === 0
      ? typedTrail(text, body, tag)
      : { rows: null, parsed: false };
  if (whole.rows) return { kind: 'fast', sha256, rows: whole.rows };

  const first = text[start];
  if (first !== '{' && first !== '[') {
    return { kind: 'rejected', sha256, reason: 'not JSON: expected an object or an array', raw: text };
  }
  const shape = topLevelShape(text, start);
  if (shape.duplicate) {
    return {
      kind: 'rejected',
      sha256,
      reason: `duplicate top-level key "${shape.duplicate}": a JSON reader keeps only one of them, so records would be lost`,
      raw: text,
    };
  }
  const insights = insightRecords(text);
  if (insights > 0) {
    return {
      kind: 'skipped',
      sha256,
      rule: SKIP_RULES.insights,
      records: insights,
      note: `Insights records (eventType AwsCloudTrailInsight): call-rate statistics about API activity, not API activity; ${insights} not loaded as events`,
    };
  }
  // only a value that closes where the text ends may go to DuckDB as text; anything else is parsed here
  if (!shape.complete) return parseSlowPath(text, fileId, sha256);
  // Valid JSON has raw newlines only between tokens, so flattening keeps the value intact.
  if (first === '[') {
    return {
      kind: 'log',
      sha256,
      line: `{"_f":${fileId},"Records":${flatten(text)}}`,
      text,
      recordRejects: [],
    };
  }
  if (!shape.ownFileKey && RECORDS_ARRAY_FIRST.test(text.slice(start, start + 64))) {
    // normalise.ts need not parse the text again when it was parsed above
    const rows = tag !== undefined && start === 0 ? normaliseTrail(text, tag, whole.parsed) : null;
    if (rows) return { kind: 'fast', sha256, rows };
    return {
      kind: 'log',
      sha256,
      line: `{"_f":${fileId},${flatten(text.slice(start + 1))}`,
      text,
      recordRejects: [],
    };
  }
  return parseSlowPath(text, fileId, sha256);
}

function flatten(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function isInsight(value: unknown): boolean {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    (r.eventType === 'AwsCloudTrailInsight' || r.eventCategory === 'Insight')
  );
}

/**
 * How many records an Insights file holds, or 0 when the file is not one. Insights records name the
 * API they are about in insightDetails and have no eventSource or eventName of their own: loaded as
 * events they would be rejected, and read by name they would pass for the calls they only count.
 */
function insightRecords(text: string): number {
  // both "AwsCloudTrailInsight" and "Insight" end so: one scan of the text
  if (!text.includes('Insight"')) return 0;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 0;
  }
  const obj = value as Record<string, unknown>;
  const records = Array.isArray(value) ? value : Array.isArray(obj?.Records) ? obj.Records : [value];
  return records.length > 0 && records.every(isInsight) ? records.length : 0;
}

function isDigestBody(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'logFiles' in value &&
    ('digestEndTime' in value || 'digestStartTime' in value || 'digestPublicKeyFingerprint' in value)
  );
}

function parseDigest(text: string, sha256: string): Prepared {
  try {
    const digest = JSON.parse(text);
    if (!isDigestBody(digest)) {
      return { kind: 'rejected', sha256, reason: 'digest file without digest fields', raw: text };
    }
    return { kind: 'digest', sha256, digest };
  } catch (err) {
    return {
      kind: 'rejected',
      sha256,
      reason: `malformed digest JSON: ${(err as Error).message}`,
      raw: text,
    };
  }
}

/** Fields that make an object a CloudTrail record (or an EventBridge event the normaliser names). */
const RECORD_FIELDS = [
  'eventID',
  'eventTime',
  'eventSource',
  'eventName',
  'eventVersion',
  'userIdentity',
  'detail-type',
];

/** A single record, a Records wrapper with its key not first, a digest body, or NDJSON. */
function parseSlowPath(text: string, fileId: number, sha256: string): Prepared {
  let whole: unknown;
  let wholeError: Error | null = null;
  try {
    whole = JSON.parse(text);
  } catch (err) {
    wholeError = err as Error;
  }
  if (!wholeError) {
    if (isDigestBody(whole)) return { kind: 'digest', sha256, digest: whole };
    const obj = whole as Record<string, unknown>;
    if ('Records' in obj) {
      if (!Array.isArray(obj.Records)) {
        return { kind: 'rejected', sha256, reason: 'field Records is not an array', raw: text };
      }
      return { kind: 'log', sha256, line: lineOf(fileId, obj.Records), text, recordRejects: [] };
    }
    if (!RECORD_FIELDS.some((f) => f in obj)) {
      return {
        kind: 'rejected',
        sha256,
        reason: 'not CloudTrail: no Records array, and none of eventID, eventTime, eventSource, eventName',
        raw: text,
      };
    }
    return { kind: 'log', sha256, line: lineOf(fileId, [obj]), text, recordRejects: [] };
  }
  // NDJSON: one record per line. A line that does not parse is rejected alone, but only when the
  // first line is a whole object; otherwise this is one broken document and the file is rejected.
  const lines = text.split(/\r?\n/);
  const records: unknown[] = [];
  const recordRejects: RecordReject[] = [];
  let firstSeen = false;
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line);
      if (!firstSeen && (typeof value !== 'object' || value === null || Array.isArray(value))) break;
      records.push(value);
    } catch (err) {
      if (!firstSeen) break;
      recordRejects.push({
        index: records.length + recordRejects.length,
        reason: `malformed JSON line: ${(err as Error).message}`,
        raw: line,
      });
    }
    firstSeen = true;
  }
  if (records.length === 0) {
    return { kind: 'rejected', sha256, reason: `malformed JSON: ${wholeError.message}`, raw: text };
  }
  return { kind: 'log', sha256, line: lineOf(fileId, records), text, recordRejects };
}

function lineOf(fileId: number, records: unknown[]): string {
  return JSON.stringify({ _f: fileId, Records: records });
}

/** Why DuckDB refused a line: re-parse the original text to name the problem. */
export function diagnoseJson(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value)) return 'unreadable array of records';
    if (typeof value === 'object' && value !== null && 'Records' in value) {
      return 'field Records is not an array';
    }
    return 'unreadable JSON document';
  } catch (err) {
    return `malformed JSON: ${(err as Error).message}`;
  }
}
