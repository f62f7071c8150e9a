// JSON written piece by piece: the same bytes as JSON.stringify(value, null, 2), without ever
// holding the whole text, so a report model of a hundred thousand snapshots needs no giant string.

/** A value as JSON.stringify sees it: toJSON applied, boxed primitives unwrapped. */
function prepared(key: string, value: unknown): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
  return v;
}

/** Whether JSON.stringify leaves this value out of an object (and writes null for it in an array). */
const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Pieces whose concatenation is JSON.stringify(value, null, 2) for a value that is an object or array. */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const v = prepared('', value);
  yield* piecesOf(v, indent);
}

function* piecesOf(v: unknown, indent: string): Generator<string> {
  if (v === null || typeof v !== 'object') {
    // primitives (and what JSON.stringify refuses, such as a BigInt) go through JSON.stringify itself
    yield skipped(v) ? 'null' : (JSON.stringify(v) as string);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < v.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      const item = prepared(String(i), v[i]);
      yield* piecesOf(skipped(item) ? null : item, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const key of Object.keys(v)) {
    const item = prepared(key, (v as Record<string, unknown>)[key]);
    if (skipped(item)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* piecesOf(item, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** The pieces joined into blocks of about `size` characters, for writes of a useful size. */
export function* blocks(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let buf: string[] = [];
  let length = 0;
  for (const p of pieces) {
    buf.push(p);
    length += p.length;
    if (length >= size) {
      yield buf.join('');
      buf = [];
      length = 0;
    }
  }
  if (buf.length) yield buf.join('');
}
