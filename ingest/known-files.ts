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
import { hash } from 'node:crypto';
import type { Store } from '../queries/store.ts';

/** How many files taken in this run wait beside the sorted arrays before they are merged in. */
export const MERGE_AT = 4096;

/** A SHA-256 as eight unsigned 32-bit words, most significant first: their order is the hex text's. */
type Key = readonly number[];

const WORDS = 8;

function keyOfDigest(digest: Buffer): Key {
  const key: number[] = [];
  for (let w = 0; w < WORDS; w++) key.push(digest.readUInt32BE(w * 4));
  return key;
}

const textKey = (text: string): Key => keyOfDigest(hash('sha256', text, 'buffer'));

function hexKey(hex: string): Key {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a SHA-256 in hex: ${hex}`);
  return keyOfDigest(Buffer.from(hex, 'hex'));
}

/** An ETag as the first 64 bits of its SHA-256; 0 stands for none. */
const etagKey = (etag: string | null): bigint =>
  etag === null ? 0n : hash('sha256', etag, 'buffer').readBigUInt64BE(0);

/**
 * The keys of the last locations asked about: a file is looked up as it is added, again when it is
 * taken and then recorded, so each location is hashed once.
 */
class RecentKeys {
  private readonly held = new Map<string, Key>();

  of(location: string): Key {
    let key = this.held.get(location);
    if (key === undefined) {
      key = textKey(location);
      if (this.held.size >= RECENT_KEYS) this.held.delete(this.held.keys().next().value!);
      this.held.set(location, key);
    }
    return key;
  }
}

/** More than the files a loader has under way at once (its read-ahead). */
const RECENT_KEYS = 256;

function compareKeys(a: Key, b: Key): number {
  for (let w = 0; w < WORDS; w++) if (a[w] !== b[w]) return a[w]! - b[w]!;
  return 0;
}

type Column = Float64Array | BigUint64Array | Uint8Array;

const emptyLike = (c: Column, length: number): Column =>
  new (c.constructor as new (n: number) => Column)(length);

/** Keys in ascending order, `n` of them in use, with a column of numbers or bigints per field. */
class SortedKeys {
  keys = new Uint32Array(0);
  n = 0;
  constructor(
    /** each field's column, as long as the key array has room for */
    public columns: Column[],
  ) {}

  /** Compares the key at `i` of `keys` with `k`. */
  private static compare(keys: Uint32Array, i: number, k: Key): number {
    const at = i * WORDS;
    for (let w = 0; w < WORDS; w++) {
      const a = keys[at + w]!;
      const b = k[w]!;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  }

  /** The first index in [lo, hi) of `keys` whose key is not below `k`. */
  private static lowerBound(keys: Uint32Array, lo: number, hi: number, k: Key): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (SortedKeys.compare(keys, mid, k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The key's index, or -1. */
  find(k: Key): number {
    const i = SortedKeys.lowerBound(this.keys, 0, this.n, k);
    return i < this.n && SortedKeys.compare(this.keys, i, k) === 0 ? i : -1;
  }

  /** Room for `capacity` keys, keeping the first `n`. */
  private grow(capacity: number): void {
    const keys = new Uint32Array(capacity * WORDS);
    keys.set(this.keys.subarray(0, this.n * WORDS));
    this.keys = keys;
    this.columns = this.columns.map((c) => {
      const next = emptyLike(c, capacity);
      next.set(c.subarray(0, this.n) as never);
      return next;
    });
  }

  private write(k: Key, values: (number | bigint)[]): void {
    this.keys.set(k, this.n * WORDS);
    values.forEach((v, f) => {
      this.columns[f]![this.n] = v as never;
    });
    this.n++;
  }

  /** Appends a key larger than every key held (loading rows read in key order). */
  push(k: Key, values: (number | bigint)[]): void {
    if (this.n > 0 && SortedKeys.compare(this.keys, this.n - 1, k) >= 0) {
      throw new Error('keys must come in ascending order');
    }
    if (this.n * WORDS === this.keys.length) this.grow(Math.max(1024, this.n * 2));
    this.write(k, values);
  }

  /**
   * Merges entries with distinct keys, in any order: where a key is held already, the entry replaces
   * it. The keys held between two entries are copied as one block.
   */
  merge(entries: { key: Key; values: (number | bigint)[] }[]): void {
    entries.sort((a, b) => a.key[0]! - b.key[0]! || compareKeys(a.key, b.key));
    const old = { keys: this.keys, columns: this.columns, n: this.n };
    this.keys = new Uint32Array((old.n + entries.length) * WORDS);
    this.columns = old.columns.map((c) => emptyLike(c, old.n + entries.length));
    this.n = 0;
    let i = 0;
    const copyOld = (to: number) => {
      this.keys.set(old.keys.subarray(i * WORDS, to * WORDS), this.n * WORDS);
      old.columns.forEach((c, f) => {
        this.columns[f]!.set(c.subarray(i, to) as never, this.n);
      });
      this.n += to - i;
      i = to;
    };
    for (const e of entries) {
      copyOld(SortedKeys.lowerBound(old.keys, i, old.n, e.key));
      if (i < old.n && SortedKeys.compare(old.keys, i, e.key) === 0) i++;
      this.write(e.key, e.values);
    }
    copyOld(old.n);
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
  key: Key;
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
  private readonly keys = new RecentKeys();
  /** locations this run added that the sorted arrays did not hold */
  private added = 0;

  static async load(store: Store, source: string): Promise<KnownFiles> {
    const known = new KnownFiles();
    for await (const columns of store.chunks('ingest/known_files', { source })) {
      const [size, etag, status] = columns.slice(WORDS) as [unknown[], (bigint | null)[], string[]];
      for (let r = 0; r < size.length; r++) {
        known.table.push(
          columns.slice(0, WORDS).map((word) => word[r] as number),
          [size[r] === null ? Number.NaN : Number(size[r]), etag[r] ?? 0n, statusCode(status[r]!)],
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
    const i = this.table.find(this.keys.of(location));
    if (i < 0) return null;
    const [sizes, etags, statuses] = this.table.columns as [Float64Array, BigUint64Array, Uint8Array];
    if (sizes[i] !== size) return null;
    if (etag !== undefined && etags[i] !== etagKey(etag)) return null;
    return STATUSES[statuses[i]!]!;
  }

  /** Records how this run left a file in the ledger. */
  set(location: string, size: number, etag: string | null, status: string): void {
    const key = this.keys.of(location);
    if (!this.recent.delete(location) && this.table.find(key) < 0) this.added++;
    this.recent.set(location, { key, size, etag, status });
    if (this.recent.size >= MERGE_AT) this.mergeRecent();
  }

  private mergeRecent(): void {
    this.added = 0;
    this.table.merge(
      [...this.recent.values()].map((r) => ({
        key: r.key,
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
