// What the ledger already holds, for the loader's two questions about every file: has this location
// been read, unchanged, before (KnownFiles), and has this content been loaded under any name
// (LoadedContent). Both are asked of every file a run lists, so they are answered from memory; and
// both grow with every file a store has ever taken, so that memory is kept small: a file is a SHA-256
// key in a sorted typed array (32 bytes) and a few numbers beside it, not an object and strings (about
// 370 bytes a file as a Map and a Set, 76 MB at 207,619 files). A key is the full SHA-256, of the
// location or of the content: two files are taken for one only where SHA-256 collides.
//
// Files taken in this run wait in a small Map or Set by their text and are merged into the sorted
// arrays MERGE_AT at a time, so a lookup is a Map probe and a binary search.
import { createHash } from 'node:crypto';
import type { Store } from '../queries/store.ts';

/** How many files taken in this run wait beside the sorted arrays before they are merged in. */
export const MERGE_AT = 4096;

/** A SHA-256 as four unsigned 64-bit words, most significant first: their order is the hex text's. */
type Key = readonly [bigint, bigint, bigint, bigint];

const WORDS = 4;

function keyOfDigest(digest: Buffer): Key {
  return [
    digest.readBigUInt64BE(0),
    digest.readBigUInt64BE(8),
    digest.readBigUInt64BE(16),
    digest.readBigUInt64BE(24),
  ];
}

const textKey = (text: string): Key => keyOfDigest(createHash('sha256').update(text, 'utf8').digest());
function hexKey(hex: string): Key {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a SHA-256 in hex: ${hex}`);
  return keyOfDigest(Buffer.from(hex, 'hex'));
}
/** An ETag as the first 64 bits of its SHA-256; 0 stands for none. */
const etagKey = (etag: string | null): bigint =>
  etag === null ? 0n : createHash('sha256').update(etag, 'utf8').digest().readBigUInt64BE(0);

/** Keys in ascending order, `n` of them in use, with a column of numbers or bigints per field. */
class SortedKeys {
  keys = new BigUint64Array(0);
  n = 0;
  constructor(
    /** each field's column, as long as the key array has room for */
    public columns: (Float64Array | BigUint64Array | Uint8Array)[],
  ) {}

  private compare(i: number, k: Key): number {
    for (let w = 0; w < WORDS; w++) {
      const a = this.keys[i * WORDS + w]!;
      const b = k[w]!;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  }

  /** The key's index, or -1. */
  find(k: Key): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compare(mid, k);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Room for `capacity` keys, keeping the first `n`. */
  private grow(capacity: number): void {
    const keys = new BigUint64Array(capacity * WORDS);
    keys.set(this.keys.subarray(0, this.n * WORDS));
    this.keys = keys;
    this.columns = this.columns.map((c) => {
      const next = new (c.constructor as new (n: number) => typeof c)(capacity);
      next.set(c.subarray(0, this.n) as never);
      return next;
    });
  }

  /** Appends a key larger than every key held (loading rows read in key order). */
  push(k: Key, values: (number | bigint)[]): void {
    if (this.n > 0 && this.compare(this.n - 1, k) >= 0) throw new Error('keys must come in ascending order');
    if (this.n * WORDS === this.keys.length) this.grow(Math.max(1024, this.n * 2));
    this.keys.set(k, this.n * WORDS);
    values.forEach((v, f) => {
      this.columns[f]![this.n] = v as never;
    });
    this.n++;
  }

  /**
   * Merges keys not in ascending order, with their fields: where a key is held already, the merged
   * entry replaces it.
   */
  merge(entries: { key: Key; values: (number | bigint)[] }[]): void {
    entries.sort((a, b) => {
      for (let w = 0; w < WORDS; w++) if (a.key[w] !== b.key[w]) return a.key[w]! < b.key[w]! ? -1 : 1;
      return 0;
    });
    const old = { keys: this.keys, columns: this.columns, n: this.n };
    const compareOld = (i: number, k: Key) => this.compareIn(old.keys, i, k);
    this.keys = new BigUint64Array(0);
    this.columns = old.columns.map((c) => new (c.constructor as new (n: number) => typeof c)(0));
    this.n = 0;
    this.grow(old.n + entries.length);
    let i = 0;
    const copyOld = () => {
      this.keys.set(old.keys.subarray(i * WORDS, (i + 1) * WORDS), this.n * WORDS);
      old.columns.forEach((c, f) => {
        this.columns[f]![this.n] = c[i] as never;
      });
      this.n++;
      i++;
    };
    for (const e of entries) {
      while (i < old.n && compareOld(i, e.key) < 0) copyOld();
      if (i < old.n && compareOld(i, e.key) === 0) i++;
      // two entries with one key: the later replaces the earlier (sort keeps their order)
      if (this.n > 0 && this.compare(this.n - 1, e.key) === 0) this.n--;
      this.keys.set(e.key, this.n * WORDS);
      e.values.forEach((v, f) => {
        this.columns[f]![this.n] = v as never;
      });
      this.n++;
    }
    while (i < old.n) copyOld();
  }

  private compareIn(keys: BigUint64Array, i: number, k: Key): number {
    for (let w = 0; w < WORDS; w++) {
      const a = keys[i * WORDS + w]!;
      const b = k[w]!;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  }

  /** Bytes held by the arrays (for tests and the profile). */
  get bytes(): number {
    return this.keys.byteLength + this.columns.reduce((s, c) => s + c.byteLength, 0);
  }
}

/** The ledger's statuses by their code in a Uint8Array: the usual ones, and any other as it is met. */
const STATUSES = ['loaded', 'rejected', 'duplicate', 'skipped'];

function statusCode(status: string): number {
  let code = STATUSES.indexOf(status);
  if (code < 0) {
    if (STATUSES.length === 256) throw new Error(`too many ledger statuses: ${status}`);
    code = STATUSES.push(status) - 1;
  }
  return code;
}

interface Recent {
  size: number | null;
  etag: string | null;
  status: string;
}

/**
 * The locations of a source the ledger holds, each with its size, ETag and status as the newest
 * ledger row has them (ingest/known_files.sql): a file is skipped when it is held unchanged.
 */
export class KnownFiles {
  // fields: size (NaN when none), ETag key, status code
  private readonly table = new SortedKeys([new Float64Array(0), new BigUint64Array(0), new Uint8Array(0)]);
  private readonly recent = new Map<string, Recent>();
  /** locations this run added that the sorted arrays did not hold */
  private added = 0;

  static async load(store: Store, source: string): Promise<KnownFiles> {
    const known = new KnownFiles();
    for await (const [k1, k2, k3, k4, size, etag, status] of store.chunks('ingest/known_files', { source })) {
      for (let r = 0; r < k1!.length; r++) {
        const s = size![r];
        known.table.push(
          [k1![r] as bigint, k2![r] as bigint, k3![r] as bigint, k4![r] as bigint],
          [
            s === null ? Number.NaN : Number(s),
            (etag![r] as bigint | null) ?? 0n,
            statusCode(status![r] as string),
          ],
        );
      }
    }
    return known;
  }

  /**
   * The ledger status of this file when the ledger holds it unchanged (same size, and the same ETag
   * when one is given); else null.
   */
  status(location: string, size: number, etag?: string): string | null {
    const r = this.recent.get(location);
    if (r) return r.size === size && (etag === undefined || r.etag === etag) ? r.status : null;
    const i = this.table.find(textKey(location));
    if (i < 0) return null;
    const [sizes, etags, statuses] = this.table.columns as [Float64Array, BigUint64Array, Uint8Array];
    if (sizes[i] !== size) return null;
    if (etag !== undefined && etags[i] !== etagKey(etag)) return null;
    return STATUSES[statuses[i]!]!;
  }

  /** Records how this run left a file in the ledger. */
  set(location: string, size: number, etag: string | null, status: string): void {
    if (!this.recent.has(location) && this.table.find(textKey(location)) < 0) this.added++;
    this.recent.delete(location);
    this.recent.set(location, { size, etag, status });
    if (this.recent.size >= MERGE_AT) this.mergeRecent();
  }

  private mergeRecent(): void {
    this.added = 0;
    this.table.merge(
      [...this.recent].map(([location, r]) => ({
        key: textKey(location),
        values: [r.size ?? Number.NaN, etagKey(r.etag), statusCode(r.status)],
      })),
    );
    this.recent.clear();
  }

  /** Locations held. */
  get count(): number {
    return this.table.n + this.added;
  }

  get bytes(): number {
    return this.table.bytes;
  }
}

/** The SHA-256 of every file content loaded, from ingest/known_hashes.sql and this run. */
export class LoadedContent {
  private readonly table = new SortedKeys([]);
  private readonly recent = new Set<string>();

  static async load(store: Store): Promise<LoadedContent> {
    const loaded = new LoadedContent();
    for await (const [sha256] of store.chunks('ingest/known_hashes')) {
      for (const hex of sha256!) loaded.table.push(hexKey(hex as string), []);
    }
    return loaded;
  }

  has(sha256: string): boolean {
    return this.recent.has(sha256) || this.table.find(hexKey(sha256)) >= 0;
  }

  add(sha256: string): void {
    this.recent.add(sha256);
    if (this.recent.size >= MERGE_AT) {
      this.table.merge([...this.recent].map((hex) => ({ key: hexKey(hex), values: [] })));
      this.recent.clear();
    }
  }

  get count(): number {
    return this.table.n + this.recent.size;
  }

  get bytes(): number {
    return this.table.bytes;
  }
}
