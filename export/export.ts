// `copytrail export lineage|events`: the store's lineage or events as one Parquet, CSV, JSON-lines or
// Arrow IPC file for pandas, polars or Spark, every format with the same columns (nested values as JSON
// text). DuckDB's COPY writes the first three with every value bound; Arrow is built from the rows.
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type DuckDBType, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { includeQuery, sqlTemplate } from '../queries/sql-text.ts';
import { type Params, type Store, sqlText } from '../queries/store.ts';

import type { ExportFormat, ExportKind } from './formats.ts';

export { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from './formats.ts';

export class ExportError extends Error {
  override name = 'ExportError';
}

export interface ExportOptions {
  kind: ExportKind;
  format: ExportFormat;
  out: string;
  /** events only: window on event_time */
  since?: string | null;
  until?: string | null;
}

export interface ExportResult {
  path: string;
  rows: number;
  bytes: number;
  seconds: number;
}

/** The query file behind each kind: a select with the columns every format shares. */
const QUERY: Record<ExportKind, string> = { lineage: 'export/lineage', events: 'export/events' };

/** The COPY statement behind each format DuckDB writes itself (queries/export/copy_<format>.sql). */
const COPY: Record<Exclude<ExportFormat, 'arrow'>, string> = {
  parquet: 'export/copy_parquet',
  csv: 'export/copy_csv',
  json: 'export/copy_json',
};

// a file name with a control character (a newline, an escape) is never what anyone meant
const CONTROL = /[\u0000-\u001f\u007f]/;

function queryFor(opts: ExportOptions): { name: string; params: Params } {
  if (opts.kind === 'lineage') {
    if (opts.since || opts.until) throw new ExportError('--since and --until apply to `export events` only');
    return { name: QUERY.lineage, params: {} };
  }
  return { name: QUERY.events, params: { since: opts.since ?? null, until: opts.until ?? null } };
}

export async function exportData(store: Store, opts: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  if (CONTROL.test(opts.out)) throw new ExportError('--out: a file name cannot hold a control character');
  const { name, params } = queryFor(opts);
  const path = resolve(opts.out);
  mkdirSync(dirname(path), { recursive: true });
  // written beside the target and renamed, so a reader never sees half a file
  const partial = `${path}.partial`;
  let rows: number;
  try {
    if (opts.format === 'arrow') {
      rows = await writeArrow(store, sqlText(name), params, partial);
    } else {
      // the query's own parameters and the target path are all bound; COPY answers the rows written
      const copy = sqlTemplate(COPY[opts.format], { query: includeQuery(name) });
      const copied = await store.conn.runAndReadAll(copy, { ...params, path: partial });
      rows = Number(copied.getRowObjectsJson()[0]!.Count);
    }
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof ExportError) throw err;
    throw new ExportError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { path, rows, bytes: statSync(path).size, seconds: (Date.now() - started) / 1000 };
}

function arrowType(t: DuckDBType): DataType {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
      return new Int32();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
      return new Int64();
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return new Float64();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new TimestampMicrosecond('UTC');
    default:
      // VARCHAR, JSON and anything else: as text
      return new Utf8();
  }
}

function arrowValue(v: DuckDBValue, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (type instanceof TimestampMicrosecond) {
    // apache-arrow takes timestamps as epoch milliseconds and stores microseconds
    return Number((v as { micros: bigint }).micros) / 1000;
  }
  if (type instanceof Int64) return BigInt(v as bigint | number);
  if (type instanceof Int32 || type instanceof Float64) return Number(v);
  if (type instanceof Bool) return Boolean(v);
  return String(v);
}

/** Streams the query into an Arrow IPC file, one record batch per DuckDB chunk. */
async function writeArrow(store: Store, sql: string, params: Params, path: string): Promise<number> {
  const result = await store.conn.stream(sql, params);
  const names = result.columnNames();
  const types = result.columnTypes().map(arrowType);
  const schema = new Schema(names.map((n, i) => new Field(n, types[i]!, true)));
  const writer = new RecordBatchFileWriter();
  const done = pipeline(writer.toNodeStream(), createWriteStream(path));
  writer.reset(undefined, schema);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const columns = chunk.getColumns();
    const children = columns.map(
      (col, i) => vectorFromArray(col.map((v) => arrowValue(v, types[i]!)) as never[], types[i]!).data[0]!,
    );
    const data = makeData({
      type: new Struct(schema.fields),
      length: chunk.rowCount,
      nullCount: 0,
      children,
    });
    writer.write(new RecordBatch(schema, data));
    rows += chunk.rowCount;
  }
  writer.finish();
  await done;
  return rows;
}
