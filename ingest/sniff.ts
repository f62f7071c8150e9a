// Recognises a file by its first bytes, not its name: gzip (1f 8b), zip (PK), or JSON that could be
// CloudTrail (an object or an array of objects). A name never hides a log; it only ever adds one.
import { constants, gunzipSync } from 'node:zlib';

export type Sniffed = 'empty' | 'gzip' | 'zip' | 'json' | 'other';

/** How many leading bytes a sniff reads. */
export const HEAD_BYTES = 4096;

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function nextToken(head: Buffer, from: number): number {
  let i = from;
  while (i < head.length && WHITESPACE.has(head[i]!)) i++;
  return i;
}

/** JSON whose first value is an object (`{"…` or `{}`) or an array of objects (`[{`, `[]`), after a BOM. */
function looksLikeJson(head: Buffer): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  i = nextToken(head, i);
  // a header of nothing but whitespace: the rest of the file decides, so read it
  if (i >= head.length) return true;
  const open = head[i];
  if (open !== 0x7b && open !== 0x5b) return false;
  const j = nextToken(head, i + 1);
  if (j >= head.length) return true;
  const next = head[j];
  return open === 0x7b ? next === 0x22 || next === 0x7d : next === 0x7b || next === 0x5d;
}

export function sniff(head: Buffer): Sniffed {
  if (head.length === 0) return 'empty';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  // a local file header, or the end record of an empty archive
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'zip';
  return looksLikeJson(head) ? 'json' : 'other';
}

/**
 * Whether a gzip file holds JSON, judged from the start of its compressed bytes. A header that does not
 * inflate is reported as JSON: the loader then reads the whole file and names the fault it finds.
 */
export function gzipHoldsJson(head: Buffer): boolean {
  let inner: Buffer;
  try {
    inner = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1024 * 1024 });
  } catch {
    return true;
  }
  return inner.length === 0 || looksLikeJson(inner.subarray(0, HEAD_BYTES));
}
