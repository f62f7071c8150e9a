// Writes rows as NDJSON for DuckDB to read back with read_json: how every stage hands batches to SQL.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes the lines and returns the read_json maximum_object_size that fits the longest one. */
export function writeLines(path: string, lines: string[]): number {
  const fd = openSync(path, 'w');
  let longest = 0;
  try {
    for (const line of lines) {
      const n = writeSync(fd, `${line}\n`);
      if (n > longest) longest = n;
    }
  } finally {
    closeSync(fd);
  }
  // DuckDB sizes its read buffer from this, so ask for what the batch needs, not a ceiling
  return Math.max(1024 * 1024, longest + 1024);
}
