// The way back for a batch's files taken whole (ingest/typed-trail.ts) when DuckDB refuses their
// lines, or has not the memory to read them even on one thread: each is read and prepared again a line
// per record (ingest/normalise.ts), which DuckDB reads a record at a time, and which leaves a file it
// cannot take, such as one with a key written twice in a record, to the SQL normaliser. A file
// that cannot be read again, or reads back with other content, is rejected: what was hashed is not
// what would be loaded.
import type { Batch, FastFile, IngestSummary, LedgerRow } from './loader-parts.ts';
import { type Prepared, prepareFile } from './prepare-file.ts';

/** True for DuckDB refusing the text of a line (malformed JSON, a key written twice). */
export function refusedLine(err: unknown): boolean {
  const cause = (err as Error).cause as Error | undefined;
  return /^Invalid Input Error/.test(cause?.message ?? '');
}

async function prepareAgain(fast: FastFile, maxBytes: number): Promise<Prepared> {
  let again: Prepared;
  try {
    const bytes = await fast.file.read();
    again = await prepareFile(bytes, fast.fileId, false, { maxBytes, fastTag: fast.tag, typed: false });
  } catch (err) {
    return {
      kind: 'rejected',
      sha256: fast.sha256,
      reason: `cannot read again: ${(err as Error).message}`,
      raw: '',
    };
  }
  if (again.sha256 === fast.sha256) return again;
  return {
    kind: 'rejected',
    sha256: fast.sha256,
    reason: 'changed while it was loaded: read again, its content no longer matches its hash',
    raw: '',
  };
}

/**
 * Moves the batch's files taken whole to a line per record, to the SQL lines, or to rejection; their
 * whole-file lines are dropped.
 */
export async function retakeTyped(
  batch: Batch,
  maxBytes: number,
  summary: IngestSummary,
  reject: (row: LedgerRow, reason: string) => void,
): Promise<void> {
  const byId = new Map(batch.ledger.map((row) => [row.file_id, row]));
  for (const fast of batch.fast.filter((f) => f.form === 'file')) {
    const row = byId.get(fast.fileId)!;
    const again = await prepareAgain(fast, maxBytes);
    if (again.kind === 'fast') {
      batch.records.add(Buffer.from(again.rows.lines), again.rows.longest);
      fast.form = 'records';
      continue;
    }
    batch.fast.splice(batch.fast.indexOf(fast), 1);
    if (again.kind === 'log') {
      // its line carries its id already: prepared with it
      batch.lines.push({ fileId: fast.fileId, line: again.line, text: again.text });
      for (const r of again.recordRejects) {
        batch.rejects.push({ file_id: fast.fileId, location: row.location, record_index: r.index, ...r });
      }
      row.rejected_count = again.recordRejects.length;
      summary.recordsRejected += again.recordRejects.length;
      summary.records += again.recordRejects.length;
    } else {
      reject(
        row,
        again.kind === 'rejected' ? again.reason : `read again, it was taken as a ${again.kind} file`,
      );
    }
  }
  batch.files.clear();
}
