// Walks the structure of a JSON document's top-level value without parsing it: where it ends, and the
// keys of a top-level object. JSON.parse and DuckDB both keep only one of two equal keys, so a second
// "Records" would drop records without a word; and a value that never closes would make DuckDB's
// line reader run on into the next file's line and lose that file too.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote that closes the string opening at `open`, or -1 when the text ends first. */
export function stringEnd(text: string, open: number): number {
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

export interface TopLevel {
  /** index of the bracket that closes the top-level value */
  end: number;
  /** keys of a top-level object, decoded, in order (empty for an array) */
  keys: string[];
}

/**
 * The structure of the object or array that opens at `start`; null when it never closes (or a key
 * cannot be decoded). Brackets inside strings are skipped; other tokens are left to the parser.
 */
export function scanTopLevel(text: string, start: number): TopLevel | null {
  const open = text.charCodeAt(start);
  if (open !== 0x7b && open !== 0x5b) return null;
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
      expectKey = depth === 1 && c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return { end: i, keys };
    } else if (c === 0x2c && depth === 1 && open === 0x7b) {
      expectKey = true;
    }
  }
  return null;
}

export interface TopLevelShape {
  /** the top-level value closes, and only whitespace follows it */
  complete: boolean;
  /** a key written twice at the top level, of those that matter: Records */
  duplicate: string | null;
  /** the document has its own "_f", the key the loader uses to tag a file's records */
  ownFileKey: boolean;
}

export function topLevelShape(text: string, start: number): TopLevelShape {
  const top = scanTopLevel(text, start);
  if (!top) return { complete: false, duplicate: null, ownFileKey: false };
  const records = top.keys.filter((k) => k === 'Records').length;
  return {
    complete: !/\S/.test(text.slice(top.end + 1)),
    duplicate: records > 1 ? 'Records' : null,
    ownFileKey: top.keys.includes('_f'),
  };
}
