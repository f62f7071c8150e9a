// `copytrail export lineage|events`: the store's lineage or events as one file for analysts in
// pandas, polars, Spark or a spreadsheet. Parquet, CSV and JSON (one object per line) are written
// by DuckDB's COPY; Arrow IPC is built chunk by chunk from the query's columns with apache-arrow.
// Every format has the same columns; nested values (evidence, JSON columns) are JSON text.
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
import { type Params, type Store, sqlText } from '../queries/store.ts';

export const EXPORT_KINDS = ['lineage', 'events'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['parquet', 'csv', 'json', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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

const COPY_OPTIONS: Record<Exclude<ExportFormat, 'arrow'>, string> = {
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
  csv: '(FORMAT csv, HEADER true)',
  json: '(FORMAT json)',
};

/** A file path as a SQL string literal (COPY takes no parameter for its target). */
const pathLiteral = (p: string) => `'${p.replaceAll("'", "''")}'`;

function queryFor(opts: ExportOptions): { sql: string; params: Params } {
  if (opts.kind === 'lineage') {
    if (opts.since || opts.until) throw new ExportError('--since and --until apply to `export events` only');
    return { sql: sqlText('export/lineage'), params: {} };
  }
  return { sql: sqlText('export/events'), params: { since: opts.since ?? null, until: opts.until ?? null } };
}

export async function exportData(store: Store, opts: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const path = resolve(opts.out);
  mkdirSync(dirname(path), { recursive: true });
  // written beside the target and renamed, so a reader never sees half a file
  const partial = `${path}.partial`;
  const { sql, params } = queryFor(opts);
  let rows: number;
  try {
    if (opts.format === 'arrow') {
      rows = await writeArrow(store, sql, params, partial);
    } else {
      // COPY's inner query takes the same bound parameters as any other, and COPY answers the
      // number of rows it wrote
      const body = sql
        .split('\n')
        .filter((l) => !l.startsWith('--'))
        .join('\n');
      const copied = await store.conn.runAndReadAll(
        `COPY (${body}) TO ${pathLiteral(partial)} ${COPY_OPTIONS[opts.format]}`,
        params,
      );
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
