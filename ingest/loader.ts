// The batch loader every source feeds: prepares files in worker threads (a plain trail file of known
// fields becomes one NDJSON line whose records DuckDB reads typed, another trail file one line per
// normalised record, anything else one line of raw records for the SQL normaliser), spools them in a
// directory and loads each batch
// in one transaction (ledger, events, rejects, coverage), so a crash never leaves a half-loaded file.
// Files are prepared ahead, a bounded number at a time, and taken in the order they were added;
// preparing batch N+1 overlaps DuckDB loading batch N.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeLines } from '../queries/ndjson.ts';
import type { Params, Store } from '../queries/store.ts';
import { InputRejected } from './input-rejected.ts';
import { KnownFiles, LoadedContent } from './known-files.ts';
import { isDigestLocation, parseLayout } from './layout.ts';
import {
  BATCH_FILES,
  type Batch,
  batchBytesFromEnv,
  catchUpKmsContext,
  digestRow,
  emptyBatch,
  emptySummary,
  type IngestSummary,
  type InputFile,
  ingestSettings,
  type LedgerRow,
  LINE_HEAD,
  type LoaderOptions,
  outOfMemory,
  Profile,
  pathList,
  restoreSettings,
  type SettingsBefore,
  WHOLE_BATCH_FACTOR,
  writeBatchRows,
} from './loader-parts.ts';
import { reasonClass } from './outcomes.ts';
import { diagnoseJson, MAX_FILE_BYTES, type Prepared } from './prepare-file.ts';
import { PreparePool } from './prepare-pool.ts';
import { recordTexts } from './reject-text.ts';
import { openSpool, type Spool } from './spool.ts';
import { refusedLine, retakeTyped } from './typed-retake.ts';

export { emptySummary, type IngestSummary, type InputFile, type LoaderOptions };

const MaxId = z.object({ max_id: z.coerce.number() });
const Setting = z.object({ value: z.string() });
const StagedRecord = z.object({ file_id: z.coerce.number(), idx: z.coerce.number() });
const StagedFile = z.object({ file_id: z.coerce.number(), record_count: z.coerce.number() });
const BatchCounts = z.object({
  records: z.coerce.number(),
  rejected: z.coerce.number(),
  added: z.coerce.number(),
});

export class BatchLoader {
  private readonly spool: string;
  private readonly ownSpool: Spool | null;
  private readonly batchBytes: number;
  private known = new KnownFiles();
  private hashes = new LoadedContent();
  private nextId = 0;
  private batch: Batch;
  private pending: Promise<void> | null = null;
  private readonly pool: PreparePool;
  /** files added and being prepared, taken in the order they came */
  private readonly queue: { file: InputFile; prepared: Promise<Prepared> | null }[] = [];
  private readonly ahead: number;
  private readonly profile = new Profile();
  /** DuckDB's settings before this ingest changed them, put back when it ends */
  private settingsBefore: SettingsBefore = { memory: null };
  private readonly started = Date.now();
  readonly summary: IngestSummary = emptySummary();

  private constructor(
    private readonly store: Store,
    private readonly options: LoaderOptions,
  ) {
    // COPYTRAIL_BATCH_MB trades memory for speed; each batch is one transaction. 32 MB held a 1M-record
    // ingest about 150 MB lower than 64 MB did, for about 6% more time (BENCHMARKS.md)
    this.batchBytes = options.batchBytes ?? batchBytesFromEnv() ?? 32 * 1024 * 1024;
    this.pool = new PreparePool();
    // enough files under way to keep every worker busy, few enough that memory stays flat
    this.ahead = Math.max(4, this.pool.size * 8);
    if (options.spoolDir) {
      mkdirSync(options.spoolDir, { recursive: true });
      this.spool = mkdtempSync(join(options.spoolDir, 'copytrail-spool-'));
      this.ownSpool = null;
    } else {
      // the database's own spool (<db>.spool): what a killed run left there is swept now
      this.ownSpool = openSpool(store.path);
      this.spool = this.ownSpool.dir;
    }
    this.batch = emptyBatch(0, this.spool);
  }

  private removeSpool(): void {
    this.pool.close();
    this.batch.records.close();
    this.batch.files.close();
    if (this.ownSpool) this.ownSpool.remove();
    else rmSync(this.spool, { recursive: true, force: true });
  }

  static async create(store: Store, options: LoaderOptions): Promise<BatchLoader> {
    const loader = new BatchLoader(store, options);
    // a rejected file is read again only if it changed; loaded and duplicate files never are
    loader.known = await KnownFiles.load(store, options.source);
    loader.hashes = await LoadedContent.load(store);
    loader.nextId = (await store.one('ingest/max_file_id', MaxId)).max_id;
    loader.settingsBefore = await ingestSettings(store);
    return loader;
  }

  /** True when the ledger already holds this file unchanged (same size, and same ETag when there is one). */
  isKnown(location: string, size: number, etag?: string): boolean {
    return this.known.status(location, size, etag) !== null;
  }

  /** How the ledger holds a file isKnown() would skip: 'loaded', 'rejected' or 'duplicate'; else null. */
  knownStatus(location: string, size: number, etag?: string): string | null {
    return this.known.status(location, size, etag);
  }

  async add(file: InputFile): Promise<void> {
    this.summary.files++;
    // a file the ledger holds now is not prepared; whether it is skipped is decided in turn, below
    const known = this.isKnown(file.location, file.size, file.etag);
    this.queue.push({ file, prepared: known ? null : this.prepare(file) });
    while (this.queue.length > this.ahead) await this.takeNext();
  }

  /** Reads and prepares one file; never rejects: what cannot be read becomes the file's rejection. */
  private async prepare(file: InputFile): Promise<Prepared> {
    const maxBytes = this.options.maxFileBytes ?? MAX_FILE_BYTES;
    if (file.problem !== undefined) {
      return { kind: 'rejected', sha256: null, reason: file.problem, raw: '' };
    }
    if (file.size > maxBytes) {
      // refused by its size before a byte is read: compressed data practically never shrinks when inflated
      return {
        kind: 'rejected',
        sha256: null,
        reason: `too large: ${file.size} bytes (> ${maxBytes} bytes)`,
        raw: '',
      };
    }
    try {
      return await this.pool.prepare(await file.read(), isDigestLocation(file.location), maxBytes);
    } catch (err) {
      return {
        kind: 'rejected',
        sha256: null,
        reason: err instanceof InputRejected ? err.message : `cannot read: ${(err as Error).message}`,
        raw: '',
      };
    }
  }

  /** Takes the oldest file added: the ledger, dedup by content and the batch, exactly in add order. */
  private async takeNext(): Promise<void> {
    const { file, prepared: ahead } = this.queue.shift()!;
    const status = this.known.status(file.location, file.size, file.etag);
    if (status !== null) {
      this.summary.skipped++;
      if (status === 'rejected') this.summary.alreadyRejected++;
      else if (status === 'duplicate') this.summary.alreadyDuplicate++;
      this.options.onFileDone?.();
      return;
    }
    const fileId = ++this.nextId;
    const layout = parseLayout(file.location);
    const base: Omit<LedgerRow, 'kind' | 'sha256' | 'status' | 'error' | 'record_count' | 'rejected_count'> =
      {
        file_id: fileId,
        source: this.options.source,
        location: file.location,
        size: file.size,
        etag: file.etag ?? null,
        path_account_id: layout.accountId,
        path_region: layout.region,
        path_date: layout.date,
        org_id: layout.orgId,
      };
    const prepared = await this.profile.time(
      'waiting for files to be read and prepared',
      () => ahead ?? this.prepare(file),
    );
    if (prepared.kind === 'fast') this.profile.fastFiles++;
    else if (prepared.kind === 'log') this.profile.sqlFiles++;
    const b = this.batch;
    this.known.set(
      file.location,
      file.size,
      file.etag ?? null,
      prepared.kind === 'rejected' ? 'rejected' : this.hashes.has(prepared.sha256) ? 'duplicate' : 'loaded',
    );
    if (prepared.kind === 'rejected') {
      this.countReject(prepared.reason);
      b.ledger.push({
        ...base,
        kind: 'log',
        sha256: prepared.sha256,
        status: 'rejected',
        error: prepared.reason,
        record_count: 0,
        rejected_count: 0,
      });
      b.rejects.push({
        file_id: fileId,
        location: file.location,
        record_index: null,
        reason: prepared.reason,
        raw: prepared.raw,
      });
    } else if (prepared.kind === 'skipped') {
      this.summary.skippedByRule[prepared.rule] = (this.summary.skippedByRule[prepared.rule] ?? 0) + 1;
      b.ledger.push({
        ...base,
        kind: 'log',
        sha256: prepared.sha256,
        status: 'skipped',
        error: prepared.note,
        record_count: prepared.records,
        rejected_count: 0,
      });
    } else if (this.hashes.has(prepared.sha256)) {
      this.summary.duplicateFiles++;
      b.ledger.push({
        ...base,
        kind: prepared.kind === 'digest' ? 'digest' : 'log',
        sha256: prepared.sha256,
        status: 'duplicate',
        error: 'same content as a file already loaded',
        record_count: 0,
        rejected_count: 0,
      });
    } else if (prepared.kind === 'digest') {
      this.hashes.add(prepared.sha256);
      this.summary.digests++;
      b.digests.push(
        digestRow(fileId, prepared.sha256, prepared.digest, layout, (await file.signature?.()) ?? null),
      );
      b.ledger.push({
        ...base,
        kind: 'digest',
        sha256: prepared.sha256,
        status: 'loaded',
        error: null,
        record_count: 0,
        rejected_count: 0,
      });
    } else {
      // a log file: normalised in JS (fast) or left to the SQL normaliser with its record rejects
      this.hashes.add(prepared.sha256);
      const recordRejects = prepared.kind === 'fast' ? [] : prepared.recordRejects;
      b.ledger.push({
        ...base,
        kind: 'log',
        sha256: prepared.sha256,
        status: 'loaded',
        error: null,
        record_count: 0,
        rejected_count: recordRejects.length,
      });
      if (prepared.kind === 'fast') {
        const { rows } = prepared;
        const bytes = typeof rows.lines === 'string' ? Buffer.from(rows.lines) : rows.lines;
        // to the batch's spool file as they come: memory holds about a megabyte of them, not a batch's
        (rows.form === 'file' ? b.files : b.records).add(bytes, rows.longest);
        b.fast.push({ fileId, tag: rows.tag, file, sha256: prepared.sha256, form: rows.form });
        if (rows.form === 'file') b.wholeBytes += bytes.byteLength;
        else b.bytes += bytes.byteLength;
      } else {
        for (const r of recordRejects) {
          b.rejects.push({ file_id: fileId, location: file.location, record_index: r.index, ...r });
        }
        this.summary.recordsRejected += recordRejects.length;
        this.summary.records += recordRejects.length;
        // prepared before its id was known: the line was written for file 0
        const line = `{"_f":${fileId},${prepared.line.slice(LINE_HEAD.length)}`;
        b.lines.push({ fileId, line, text: prepared.text });
        b.bytes += prepared.line.length;
      }
    }
    this.options.onFileDone?.();
    const full = b.bytes >= this.batchBytes || b.wholeBytes >= WHOLE_BATCH_FACTOR * this.batchBytes;
    if (full || b.ledger.length >= BATCH_FILES) await this.flush();
  }

  private countReject(reason: string): void {
    this.summary.rejectedFiles++;
    const cls = reasonClass(reason);
    this.summary.rejectedByReason[cls] = (this.summary.rejectedByReason[cls] ?? 0) + 1;
  }

  /** Starts loading the current batch; waits for the previous load first so one runs at a time. */
  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = emptyBatch(batch.index + 1, this.spool);
    if (this.pending) await this.profile.time('waiting for the previous batch to load', () => this.pending!);
    this.pending = this.load(batch);
  }

  async finish(): Promise<IngestSummary> {
    while (this.queue.length > 0) await this.takeNext();
    await this.flush();
    if (this.pending) await this.pending;
    this.pending = null;
    // a store whose keys stopped short (a stop between a batch and its keys; nothing new this run)
    if (!(await catchUpKmsContext(this.store, (q, p) => this.run(q, p)))) this.profile.kmsLeft++;
    this.removeSpool();
    // checkpoint under the ingest's settings: left to closing the store, it would run under the
    // store's own memory limit and hold several times as much memory at the end of a large ingest
    if (this.store.path !== ':memory:')
      await this.profile.time('checkpoint', () => this.store.run('store/checkpoint'));
    await restoreSettings(this.store, this.settingsBefore);
    this.summary.seconds = (Date.now() - this.started) / 1000;
    this.profile.print(Date.now() - this.started);
    return this.summary;
  }

  /** Abandons the spool after a failure; what was committed stays committed. */
  abort(): void {
    this.removeSpool();
    // best effort: the store may be the reason for the failure
    restoreSettings(this.store, this.settingsBefore).catch(() => {});
  }

  private run(name: string, params: Params = {}): Promise<void> {
    return this.profile.time(`(load) ${name}`, () => this.store.run(name, params));
  }

  /** Reads again the text of the normalised records the batch rejected: lines do not carry it. */
  private async keepRejectTexts(batch: Batch): Promise<void> {
    const rows = await this.store.all('ingest/rejected_without_text', StagedRecord);
    if (rows.length === 0) return;
    const byFile = new Map<number, number[]>();
    for (const row of rows) {
      const list = byFile.get(row.file_id);
      if (list) list.push(row.idx);
      else byFile.set(row.file_id, [row.idx]);
    }
    const maxBytes = this.options.maxFileBytes ?? MAX_FILE_BYTES;
    for (const fast of batch.fast) {
      const indexes = byFile.get(fast.fileId);
      if (!indexes) continue;
      for (const [idx, raw] of await recordTexts(fast.file, fast.sha256, indexes, maxBytes)) {
        // DuckDB spells the record's JSON as it does for a record the SQL normaliser rejects
        const query = raw.json ? 'ingest/set_reject_text' : 'ingest/set_reject_note';
        await this.store.run(query, { file_id: fast.fileId, idx, raw: raw.text });
      }
    }
  }

  /** Rejects a file of the batch whole, after it was taken for loading. */
  private rejectWhole(batch: Batch, row: LedgerRow, reason: string, raw: string): void {
    row.status = 'rejected';
    row.error = reason;
    this.countReject(reason);
    batch.rejects.push({ file_id: row.file_id, location: row.location, record_index: null, reason, raw });
    // records rejected inside it earlier (NDJSON lines) now belong to a rejected file
    row.rejected_count = 0;
  }

  /**
   * Loads a batch in one transaction. DuckDB refuses the files taken whole for one with a key written
   * twice in a record, which JSON.parse could not see; or it has not the memory to read them whole,
   * even on one thread. What the batch did rolls back, each of those files is prepared again a line
   * per record (which leaves one it cannot take to the SQL normaliser), and the batch is loaded again.
   */
  private async load(batch: Batch): Promise<void> {
    if (batch.ledger.length === 0) return;
    try {
      await this.loadFitting(batch);
    } catch (err) {
      if (batch.files.lines === 0 || !(refusedLine(err) || outOfMemory(err))) throw err;
      if (outOfMemory(err)) this.profile.memoryRetakes++;
      const maxBytes = this.options.maxFileBytes ?? MAX_FILE_BYTES;
      await retakeTyped(batch, maxBytes, this.summary, (row, reason) =>
        this.rejectWhole(batch, row, reason, ''),
      );
      await this.loadFitting(batch);
    }
    // correlate's KMS join keys for the batch just stored (queries/kms-context.ts)
    if (!(await catchUpKmsContext(this.store, (q, p) => this.run(q, p)))) this.profile.kmsLeft++;
    for (const path of [...batch.records.paths, ...batch.files.paths]) rmSync(path, { force: true });
  }

  /** Loads a batch; out of DuckDB's memory (it holds some per thread), it is rolled back and loaded on one. */
  private async loadFitting(batch: Batch): Promise<void> {
    try {
      await this.loadOnce(batch);
    } catch (err) {
      if (!outOfMemory(err)) throw err;
      this.profile.oneThread++;
      const { value } = await this.store.one('ingest/threads', Setting);
      await this.store.run('ingest/set_threads', { value: '1' });
      try {
        await this.loadOnce(batch);
      } catch (again) {
        if (outOfMemory(again)) {
          (again as Error).message += ` (on one thread too; COPYTRAIL_INGEST_MEMORY_LIMIT raises the limit)`;
        }
        throw again;
      } finally {
        await this.store.run('ingest/set_threads', { value });
      }
    }
  }

  private async loadOnce(batch: Batch): Promise<void> {
    await this.run('ingest/stage_records_create');
    const mapPath = join(this.spool, `batch-${batch.index}.map.ndjson`);
    batch.files.close();
    if (batch.fast.length > 0) {
      writeLines(
        mapPath,
        batch.fast.map((f) => `{"p":${f.tag},"f":${f.fileId}}`),
      );
      await this.run('ingest/stage_map', { path: mapPath });
    }
    const whole = batch.files.lines > 0 && {
      paths: await pathList(batch.files.paths),
      max_bytes: batch.files.longest + 1024,
    };
    if (whole) await this.run('ingest/stage_whole', whole);
    batch.records.close();
    if (batch.records.lines > 0) {
      await this.run('ingest/stage_fast', {
        paths: await pathList(batch.records.paths),
        // a UTF-16 code unit is at most 3 bytes of UTF-8
        max_bytes: Math.max(1024 * 1024, 3 * batch.records.longest + 1024),
      });
    }
    const eventsPath = join(this.spool, `batch-${batch.index}.events.ndjson`);
    const legacy = batch.lines.length > 0;
    let staged = new Set<number>();
    if (legacy) {
      const eventsMax = writeLines(
        eventsPath,
        batch.lines.map((l) => l.line),
      );
      await this.run('ingest/stage_files', { path: eventsPath, max_bytes: eventsMax });
      staged = new Set((await this.store.all('ingest/staged_file_ids', StagedFile)).map((r) => r.file_id));
    }
    // DuckDB skipped the lines it could not parse: name the problem and reject those files whole
    const byId = new Map(batch.ledger.map((row) => [row.file_id, row]));
    for (const l of batch.lines) {
      const row = byId.get(l.fileId)!;
      // (a batch loaded again after a refusal finds those it rejected the first time)
      if (!staged.has(l.fileId) && row.status !== 'rejected') {
        this.rejectWhole(batch, row, diagnoseJson(l.text), l.text);
      }
    }
    const rows = writeBatchRows(batch, this.spool);
    const ids = batch.ledger.map((r) => r.file_id);
    await this.store.transaction(async () => {
      await this.run('ingest/insert_files', rows.files);
      if (batch.rejects.length > 0) await this.run('ingest/insert_file_rejects', rows.rejects);
      if (batch.digests.length > 0) await this.run('ingest/insert_digests', rows.digests);
      if (legacy) await this.run('ingest/stage_records');
      await this.run('ingest/stage_seen_events');
      await this.run('ingest/reject_conflicting_ids');
      await this.keepRejectTexts(batch);
      await this.run('ingest/stage_new_events');
      await this.run('ingest/insert_record_rejects');
      await this.run('ingest/insert_events');
      if (whole) {
        await this.run('ingest/stage_whole_map');
        await this.run('ingest/insert_events_whole', whole);
      }
      await this.run('ingest/update_file_counts');
      if (this.options.eventCoverage ?? true) {
        await this.run('ingest/upsert_coverage', { source: this.options.source });
      }
      await this.run('ingest/coverage_rejected_files', {
        source: this.options.source,
        lo: Math.min(...ids),
        hi: Math.max(...ids),
      });
    });
    const counts = await this.store.one('ingest/batch_counts', BatchCounts);
    this.summary.records += counts.records;
    this.summary.recordsRejected += counts.rejected;
    this.summary.eventsNew += counts.added;
    this.options.onEvents?.(counts.added);
    this.summary.eventsDuplicate += counts.records - counts.rejected - counts.added;
    this.summary.loaded += batch.ledger.filter((r) => r.status === 'loaded' && r.kind === 'log').length;
    rmSync(eventsPath, { force: true });
    for (const path of [mapPath, rows.files.path, rows.rejects.path, rows.digests.path]) {
      rmSync(path, { force: true });
    }
  }
}
