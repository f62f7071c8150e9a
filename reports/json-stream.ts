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

/**
 * Whether a value holds at most `budget` array items and object members: small enough to hand to
 * JSON.stringify whole. Counting stops at the budget, so a large tree is never walked twice over.
 */
function small(value: object, budget: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    count += children.length;
    if (count > budget) return false;
    for (const c of children) if (c !== null && typeof c === 'object') stack.push(c);
  }
  return true;
}

/**
 * Pieces whose concatenation is JSON.stringify(value, null, 2). Large arrays and objects are walked;
 * any part of at most `budget` items goes through JSON.stringify itself, its lines indented to where
 * it sits (JSON escapes newlines inside strings, so every raw newline is between tokens).
 */
export function* jsonPieces(value: unknown, budget = 512): Generator<string> {
  yield* piecesOf(prepared('', value), '', budget);
}

function* piecesOf(v: unknown, indent: string, budget: number): Generator<string> {
  if (v === null || typeof v !== 'object') {
    // primitives (and what JSON.stringify refuses, such as a BigInt) go through JSON.stringify itself
    yield skipped(v) ? 'null' : (JSON.stringify(v) as string);
    return;
  }
  if (small(v, budget)) {
    const text = JSON.stringify(v, null, 2);
    yield indent ? text.replaceAll('\n', `\n${indent}`) : text;
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
      yield* piecesOf(skipped(item) ? null : item, inner, budget);
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
    yield* piecesOf(item, inner, budget);
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
