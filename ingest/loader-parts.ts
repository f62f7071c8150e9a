// The batch loader's rows and helpers: what a source hands it (InputFile, LoaderOptions), what it
// returns (IngestSummary), the ledger, reject and digest rows of a batch, and its profile.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import { extendKmsContext, kmsWatermark } from '../queries/kms-context.ts';
import { writeLines } from '../queries/ndjson.ts';
import type { Params, Store } from '../queries/store.ts';
import type { parseLayout } from './layout.ts';

export interface InputFile {
  location: string;
  size: number;
  etag?: string;
  read(): Promise<Buffer>;
  /** A digest's hex signature: S3 object metadata, or the `.sig` file beside a local copy. */
  signature?(): Promise<string | null>;
  /** Why this input cannot be read at all (a FIFO, an unreadable folder): rejected without reading. */
  problem?: string;
}

export interface IngestSummary {
  files: number;
  /** files the ledger already holds unchanged, not read again; of them, these two were not loaded: */
  skipped: number;
  alreadyRejected: number;
  alreadyDuplicate: number;
  loaded: number;
  duplicateFiles: number;
  rejectedFiles: number;
  digests: number;
  records: number;
  eventsNew: number;
  eventsDuplicate: number;
  recordsRejected: number;
  /** files rejected in this run, by reason class */
  rejectedByReason: Record<string, number>;
  /** files read but kept out of events by a rule (Insights), by rule */
  skippedByRule: Record<string, number>;
  seconds: number;
}

export interface LoaderOptions {
  source: string;
  /** Flush a batch when its NDJSON reaches this many bytes. */
  batchBytes?: number;
  /**
   * Derive coverage from the events loaded (account x region x event day). Sources that know what
   * they read (S3 day folders, LookupEvents windows) record their own coverage instead.
   */
  eventCoverage?: boolean;
  /** Folder for batch files (default: the system temp folder). */
  spoolDir?: string;
  /** Largest file read, after decompression (default MAX_FILE_BYTES, DuckDB's per-object ceiling). */
  maxFileBytes?: number;
  onFileDone?: () => void;
  /** `n` more events committed: for progress */
  onEvents?: (n: number) => void;
}

export interface LedgerRow {
  file_id: number;
  source: string;
  kind: 'log' | 'digest';
  location: string;
  size: number;
  sha256: string | null;
  etag: string | null;
  path_account_id: string | null;
  path_region: string | null;
  path_date: string | null;
  org_id: string | null;
  record_count: number;
  rejected_count: number;
  status: 'loaded' | 'rejected' | 'duplicate' | 'skipped';
  error: string | null;
}

export interface RejectRow {
  file_id: number;
  location: string;
  record_index: number | null;
  reason: string;
  raw: string;
}

export interface DigestRow {
  file_id: number;
  account_id: string | null;
  region: string | null;
  digest_start_time: string | null;
  digest_end_time: string | null;
  s3_bucket: string | null;
  s3_object: string | null;
  fingerprint: string | null;
  signature_algorithm: string | null;
  signature: string | null;
  previous_s3_object: string | null;
  previous_hash: string | null;
  previous_signature: string | null;
  body_sha256: string;
  log_files: unknown;
}

export interface Batch {
  index: number;
  lines: { fileId: number; line: string; text: string }[];
  /** files the JS normaliser took; the file is kept to read a rejected record's text again */
  fast: FastFile[];
  /** the normalised lines, one per record (ingest/normalise.ts) */
  records: SpoolFile;
  /** the files taken whole, a line each (ingest/typed-trail.ts) */
  files: SpoolFile;
  /** bytes of `lines` and `records`: their records are staged whole in stage_records */
  bytes: number;
  /** bytes of `files`: only their records' keys are staged, so a batch holds more of them */
  wholeBytes: number;
  ledger: LedgerRow[];
  rejects: RejectRow[];
  digests: DigestRow[];
}

/**
 * COPYTRAIL_PROFILE=1: where the loader's time goes, part by part, printed to stderr at the end. A
 * part that overlaps another (preparing ahead while DuckDB loads) is counted where the main thread
 * waited for it.
 */
export class Profile {
  readonly on = process.env.COPYTRAIL_PROFILE === '1';
  private readonly parts = new Map<string, number>();
  fastFiles = 0;
  sqlFiles = 0;
  /** batches loaded again on one thread after DuckDB ran out of memory on more */
  oneThread = 0;
  /** batches whose whole files DuckDB had not the memory for even on one thread: taken a line per record */
  memoryRetakes = 0;
  /** batches whose KMS join keys DuckDB had not the memory to extract: left to the next, or correlate */
  kmsLeft = 0;

  async time<T>(part: string, fn: () => Promise<T>): Promise<T> {
    if (!this.on) return fn();
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.parts.set(part, (this.parts.get(part) ?? 0) + performance.now() - t);
    }
  }

  print(total: number): void {
    if (!this.on) return;
    const lines = [...this.parts].sort((a, b) => b[1] - a[1]);
    process.stderr.write(
      `profile: ${(total / 1000).toFixed(2)} s in all; files normalised in JS ${this.fastFiles}, in SQL ${this.sqlFiles}; batches loaded again on one thread ${this.oneThread}, a line per record ${this.memoryRetakes}; KMS keys left to a later batch ${this.kmsLeft}\n`,
    );
    for (const [part, ms] of lines) process.stderr.write(`  ${part}: ${(ms / 1000).toFixed(2)} s\n`);
  }
}

/** A summary of nothing read yet: where every source's counts start. */
export function emptySummary(): IngestSummary {
  return {
    files: 0,
    skipped: 0,
    alreadyRejected: 0,
    alreadyDuplicate: 0,
    loaded: 0,
    duplicateFiles: 0,
    rejectedFiles: 0,
    digests: 0,
    records: 0,
    eventsNew: 0,
    eventsDuplicate: 0,
    recordsRejected: 0,
    rejectedByReason: {},
    skippedByRule: {},
    seconds: 0,
  };
}

/**
 * DuckDB's memory limit during an ingest: COPYTRAIL_INGEST_MEMORY_LIMIT ('256MB', or '0' to keep the
 * store's own), else 256 MB, unless COPYTRAIL_MEMORY_LIMIT chose the store's limit. 256 MB loads as
 * fast as 512 MB did and keeps the peak of a 1M-record ingest about 190 MB lower (BENCHMARKS.md).
 */
function ingestMemoryLimit(): string | null {
  const env = process.env.COPYTRAIL_INGEST_MEMORY_LIMIT;
  if (env === '0') return null;
  if (env) return env;
  return process.env.COPYTRAIL_MEMORY_LIMIT ? null : '256MB';
}

/** DuckDB's settings before an ingest changed them, put back when it ends (null: not changed). */
export interface SettingsBefore {
  memory: string | null;
}

const Setting = z.object({ value: z.string() });

/**
 * The settings an ingest into a database file runs under. An ingest streams: batches of a bounded
 * size, each checked against the store. DuckDB would otherwise keep up to its whole limit (4 GB by
 * default) of the store's blocks cached; the limit is lowered and the rest spills, so memory stays
 * flat whatever the number of events. A store in memory has nowhere to spill to: unchanged. (The
 * row groups a batch writes are kept as written: the store opens without DuckDB's vacuum.)
 */
export async function ingestSettings(store: Store): Promise<SettingsBefore> {
  const before: SettingsBefore = { memory: null };
  if (store.path === ':memory:') return before;
  const limit = ingestMemoryLimit();
  if (limit) {
    before.memory = (await store.one('ingest/memory_limit', Setting)).value;
    await store.run('ingest/set_memory_limit', { value: limit });
  }
  return before;
}

/** Puts back what ingestSettings changed; `before` is emptied, so a second call does nothing. */
export async function restoreSettings(store: Store, before: SettingsBefore): Promise<void> {
  const { memory } = before;
  before.memory = null;
  if (memory !== null) await store.run('ingest/set_memory_limit', { value: memory });
}

export function batchBytesFromEnv(): number | undefined {
  const mb = Number(process.env.COPYTRAIL_BATCH_MB);
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : undefined;
}

export interface FastFile {
  fileId: number;
  tag: number;
  file: InputFile;
  sha256: string;
  form: 'records' | 'file';
}

export function emptyBatch(index: number, spool: string): Batch {
  return {
    index,
    lines: [],
    fast: [],
    records: new SpoolFile(join(spool, `batch-${index}.records.ndjson`)),
    files: new SpoolFile(join(spool, `batch-${index}.typed.ndjson`), TYPED_PIECE_BYTES),
    bytes: 0,
    wholeBytes: 0,
    ledger: [],
    rejects: [],
    digests: [],
  };
}

/** How a prepared line starts: prepared ahead, before the file's id is known. */
export const LINE_HEAD = '{"_f":0,';

export function digestRow(
  fileId: number,
  sha256: string,
  digest: unknown,
  layout: ReturnType<typeof parseLayout>,
  signature: string | null,
): DigestRow {
  const d = digest as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  return {
    file_id: fileId,
    account_id: str('awsAccountId') ?? layout.accountId,
    region: layout.region,
    digest_start_time: str('digestStartTime'),
    digest_end_time: str('digestEndTime'),
    s3_bucket: str('digestS3Bucket'),
    s3_object: str('digestS3Object'),
    fingerprint: str('digestPublicKeyFingerprint'),
    signature_algorithm: str('digestSignatureAlgorithm'),
    signature: signature?.trim().toLowerCase() || null,
    previous_s3_object: str('previousDigestS3Object'),
    previous_hash: str('previousDigestHashValue'),
    previous_signature: str('previousDigestSignature'),
    body_sha256: sha256,
    // kept as written: verify must tell a logFiles that is not a list from an empty one
    log_files: d.logFiles === undefined ? null : d.logFiles,
  };
}

/**
 * Most bytes of whole trail files in one spool file: DuckDB holds a buffer of such lines parsed at
 * once, several times their size (a 32 MB file of them ran past a 256 MB limit).
 */
export const TYPED_PIECE_BYTES = 4 * 1024 * 1024;

/**
 * How many times the batch size of lines a batch may hold of files taken whole. Their records are
 * staged as keys only and written to events by one statement that reads the files; DuckDB writes a
 * large statement's rows in parallel, straight to the database file (BENCHMARKS.md). Overridden by
 * COPYTRAIL_WHOLE_BATCH_FACTOR.
 */
export const WHOLE_BATCH_FACTOR = Number(process.env.COPYTRAIL_WHOLE_BATCH_FACTOR) || 16;

/**
 * Most files in one batch, whatever their bytes: a batch of small files taken whole would otherwise
 * hold hundreds of thousands of ledger rows (20,000 held the 1M-event trail of 111k files near 1 GB).
 */
export const BATCH_FILES = 20_000;

/** A list of spool files as a DuckDB list parameter; the client library is loaded with the store, not before. */
export async function pathList(paths: string[]): Promise<DuckDBValue> {
  const { listValue } = await import('@duckdb/node-api');
  return listValue(paths);
}

/** Lines gathered before they are written to a batch's spool file. */
export const SPOOL_WRITE_BYTES = 1024 * 1024;

/** Writes all of `data` at the file's position (a write may take less than it was given). */
function writeAll(fd: number, data: Uint8Array): void {
  let bytes = data;
  while (bytes.byteLength > 0) bytes = bytes.subarray(writeSync(fd, bytes));
}

/**
 * A batch's spool file of NDJSON lines, written as they come so memory holds about a megabyte of
 * them, not a batch's; gathered to that size first, since a write per small file cost more than the
 * file's own work. With `pieceBytes` the lines go to a new file past that size: DuckDB parses a file's
 * lines a buffer at a time, and a whole trail file a line makes each of them large.
 */
export class SpoolFile {
  private fd: number | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private pieceWritten = 0;
  /** the files written, in order */
  readonly paths: string[] = [];
  /** lines added */
  lines = 0;
  /** the longest line, in the unit its adder counts */
  longest = 0;

  constructor(
    private readonly base: string,
    private readonly pieceBytes = Number.POSITIVE_INFINITY,
  ) {}

  add(bytes: Uint8Array, longest: number): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.byteLength;
    this.lines++;
    if (longest > this.longest) this.longest = longest;
    if (this.pendingBytes >= SPOOL_WRITE_BYTES) this.write();
  }

  /** Appends the lines gathered so far, in one write. */
  write(): void {
    if (this.pending.length === 0) return;
    if (this.fd !== null && this.pieceWritten >= this.pieceBytes) {
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.fd === null) {
      const path = this.paths.length === 0 ? this.base : `${this.base}.${this.paths.length}`;
      this.paths.push(path);
      this.fd = openSync(path, 'w');
      this.pieceWritten = 0;
    }
    writeAll(this.fd, this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending));
    this.pieceWritten += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Drops every line: the files written are removed, and the next line starts a new one. */
  clear(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    for (const path of this.paths.splice(0)) rmSync(path, { force: true });
    this.pending = [];
    this.pendingBytes = 0;
    this.lines = 0;
    this.longest = 0;
  }

  /** Writes what is left and closes the file, ready for DuckDB to read; lines added later go to a new one. */
  close(): void {
    this.write();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** The batch's ledger rows, rejects and digests as NDJSON files in the spool, each with its longest line. */
export function writeBatchRows(batch: Batch, spool: string) {
  const write = (name: string, rows: unknown[]) => {
    const path = join(spool, `batch-${batch.index}.${name}.ndjson`);
    const max_bytes = writeLines(
      path,
      rows.map((r) => JSON.stringify(r)),
    );
    return { path, max_bytes };
  };
  return {
    files: write('files', batch.ledger),
    rejects: write('rejects', batch.rejects),
    digests: write('digests', batch.digests),
  };
}

/** True for DuckDB running out of its memory limit (the statement failed; nothing was lost). */
export function outOfMemory(err: unknown): boolean {
  const cause = (err as Error).cause as Error | undefined;
  return /^Out of Memory Error/.test(cause?.message ?? '');
}

/**
 * Extends correlate's KMS join keys to the last file loaded, in a transaction of their own (after each
 * batch). Out of DuckDB's memory it rolls back and returns false: the watermark stays where it was,
 * and the next batch or correlate extracts from there.
 */
export async function catchUpKmsContext(
  store: Store,
  run: (name: string, params: Params) => Promise<void>,
): Promise<boolean> {
  try {
    await store.transaction(async () => extendKmsContext(store, await kmsWatermark(store), run));
    return true;
  } catch (err) {
    if (outOfMemory(err)) return false;
    throw err;
  }
}
