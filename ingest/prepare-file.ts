// Turns one input file into one NDJSON line `{"_f":<file_id>,"Records":[…]}` for the batch loader.
// Trail files ({"Records":[…]}) and bare arrays are passed through as text without parsing in Node;
// anything else (single records, NDJSON, digests) is parsed here. Corrupt files become rejections.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** DuckDB reads each file as one JSON object; this is its per-object ceiling (maximum_object_size). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface RecordReject {
  index: number;
  reason: string;
  raw: string;
}

export type Prepared =
  | { kind: 'log'; sha256: string; line: string; text: string; recordRejects: RecordReject[] }
  | { kind: 'digest'; sha256: string; digest: unknown }
  | { kind: 'rejected'; sha256: string | null; reason: string; raw: string };

const RECORDS_FIRST = /^\{\s*"Records"\s*:/;

export async function prepareFile(bytes: Buffer, fileId: number, digestByPath: boolean): Promise<Prepared> {
  let body = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // small files: the thread pool's overhead costs more than inflating them here
      body = bytes.length < 256 * 1024 ? gunzipSync(bytes) : await gunzipAsync(bytes);
    } catch (err) {
      return {
        kind: 'rejected',
        sha256: null,
        reason: `corrupt gzip: ${(err as Error).message}`,
        raw: `base64:${bytes.toString('base64')}`,
      };
    }
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (body.length > MAX_FILE_BYTES) {
    return {
      kind: 'rejected',
      sha256,
      reason: `file is ${body.length} bytes uncompressed; the limit is ${MAX_FILE_BYTES}`,
      raw: '',
    };
  }
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.search(/\S/);
  if (start < 0) return { kind: 'rejected', sha256, reason: 'empty file', raw: text };
  if (digestByPath) return parseDigest(text, sha256);

  const first = text[start];
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
  if (first === '{' && RECORDS_FIRST.test(text.slice(start, start + 64))) {
    return {
      kind: 'log',
      sha256,
      line: `{"_f":${fileId},${flatten(text.slice(start + 1))}`,
      text,
      recordRejects: [],
    };
  }
  if (first !== '{') {
    return { kind: 'rejected', sha256, reason: 'not JSON: expected an object or an array', raw: text };
  }
  return parseSlowPath(text, fileId, sha256);
}

function flatten(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function isDigestBody(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'logFiles' in value &&
    ('digestEndTime' in value || 'digestPublicKeyFingerprint' in value)
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
    const records = 'Records' in obj ? obj.Records : [obj];
    if (!Array.isArray(records)) {
      return { kind: 'rejected', sha256, reason: 'field Records is not an array', raw: text };
    }
    return { kind: 'log', sha256, line: lineOf(fileId, records), text, recordRejects: [] };
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
