// Finds the keys of a JSON document's top-level object without parsing it. JSON.parse and DuckDB both
// keep only one of two equal keys, so a second "Records" would drop records without a word.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote that closes the string opening at `open`, or -1 when the text ends first. */
function stringEnd(text: string, open: number): number {
  let at = open + 1;
  for (;;) {
    const q = text.indexOf('"', at);
    if (q < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
    at = q + 1;
  }
}

/**
 * The top-level keys, decoded, of the object that opens at `start`; null when the text is not an
 * object or ends before it closes (the parser that reads it will name that problem).
 */
export function topLevelKeys(text: string, start: number): string[] | null {
  if (text[start] !== '{') return null;
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return null;
      if (depth === 1 && expectKey) {
        const raw = text.slice(i, end + 1);
        try {
          keys.push(raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1));
        } catch {
          return null;
        }
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      expectKey = depth === 1;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return keys;
    } else if (c === 0x2c && depth === 1) {
      expectKey = true;
    }
  }
  return null;
}

/** True when the text escapes an ASCII letter (\u0041-\u007a), the way a key can hide from a plain search. */
function escapesALetter(text: string): boolean {
  for (let at = text.indexOf('\\u00'); at >= 0; at = text.indexOf('\\u00', at + 4)) {
    const c = text.charCodeAt(at + 4);
    if (c >= 0x34 && c <= 0x37) return true;
  }
  return false;
}

export interface TopLevelShape {
  /** a key written twice at the top level, of those that matter: Records */
  duplicate: string | null;
  /** the document has its own "_f", the key the loader uses to tag a file's records */
  ownFileKey: boolean;
}

const NOTHING: TopLevelShape = { duplicate: null, ownFileKey: false };

/**
 * Looks for a second "Records" key (or our own "_f") at the top level. Cheap searches decide whether a
 * precise scan is needed, so an ordinary delivery file costs two or three indexOf calls.
 */
export function topLevelShape(text: string, start: number): TopLevelShape {
  const first = text.indexOf('"Records"', start);
  const suspicious =
    (first >= 0 && text.indexOf('"Records"', first + 9) >= 0) ||
    text.includes('"_f"') ||
    escapesALetter(text);
  if (!suspicious) return NOTHING;
  const keys = topLevelKeys(text, start);
  if (!keys) return NOTHING;
  const records = keys.filter((k) => k === 'Records').length;
  return { duplicate: records > 1 ? 'Records' : null, ownFileKey: keys.includes('_f') };
}
