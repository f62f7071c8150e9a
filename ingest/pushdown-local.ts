// The Athena pushdown run by DuckDB over local trail files: the same filter text, with the same
// values, over a view that names the files' fields as the Athena table does. The slice measure
// (bench/athena-slice.ts) and the filter's tests read Athena's selection from here, never from a
// restatement that could drift from what Athena runs.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { includeQuery, quoteLiteral, sqlTemplate } from '../queries/sql-text.ts';
import { athenaFilter } from './athena.ts';
import type { EventFilter } from './query-source.ts';

/** Creates the temp view cloudtrail_local over trail files (a path, or a glob such as `dir/**\/*.json.gz`). */
export async function openLocalTable(conn: DuckDBConnection, files: string): Promise<void> {
  await conn.run(sqlTemplate('athena/local_table', { files: quoteLiteral(files, 'duckdb') }));
}

async function prepareWithFilter(
  conn: DuckDBConnection,
  name: 'athena/slice_counts' | 'athena/slice_records',
  f: EventFilter,
): Promise<DuckDBPreparedStatement> {
  const filter = athenaFilter(f);
  // the filter's own text, placed whole: the statement's parameters are exactly the filter's
  const prepared = await conn.prepare(sqlTemplate(name, { filter: includeQuery('athena/lineage_filter') }));
  if (prepared.parameterCount !== filter.params.length) {
    throw new Error(
      `${name} takes ${prepared.parameterCount} parameters; the filter has ${filter.params.length}`,
    );
  }
  for (const [i, p] of filter.params.entries()) prepared.bindVarchar(i + 1, p);
  return prepared;
}

export interface SliceCount {
  eventSource: string | null;
  /** KMS records: the first key of the encryption context (or grant constraint); '(none)' without one */
  contextKey: string | null;
  /** the call failed (errorCode) */
  failed: boolean;
  records: number;
  bytes: number;
  sliceRecords: number;
  sliceBytes: number;
}

/** Every record and the pushed-down slice, counted and measured per event source (KMS: per context key). */
export async function sliceCounts(conn: DuckDBConnection, f: EventFilter): Promise<SliceCount[]> {
  const prepared = await prepareWithFilter(conn, 'athena/slice_counts', f);
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson();
  return rows.map((r) => ({
    eventSource: r.event_source === null ? null : String(r.event_source),
    contextKey: r.context_key === null ? null : String(r.context_key),
    failed: r.failed === true,
    records: Number(r.records),
    bytes: Number(r.bytes),
    sliceRecords: Number(r.slice_records),
    sliceBytes: Number(r.slice_bytes),
  }));
}

/** The slice's records (JSON text), grouped by the file each came from. */
export async function sliceRecords(conn: DuckDBConnection, f: EventFilter): Promise<Map<string, string[]>> {
  const prepared = await prepareWithFilter(conn, 'athena/slice_records', f);
  const result = await prepared.stream();
  const out = new Map<string, string[]>();
  for await (const rows of result.yieldRowObjectJson()) {
    for (const r of rows) {
      const file = String(r.file);
      const list = out.get(file) ?? [];
      if (list.length === 0) out.set(file, list);
      list.push(String(r.record));
    }
  }
  return out;
}

/**
 * Writes a slice back as trail files: each source file's selected records, under the same path
 * below `outDir` as the file had below `root`, so that `ingest dir` reads them as it reads a trail.
 * Returns how many files were written.
 */
export function writeSlice(slice: Map<string, string[]>, root: string, outDir: string): number {
  for (const [file, records] of slice) {
    const rel = relative(root, file);
    if (rel.startsWith('..')) throw new Error(`${file} is not under ${root}`);
    const target = join(outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, gzipSync(`{"Records":[${records.join(',')}]}`));
  }
  return slice.size;
}
