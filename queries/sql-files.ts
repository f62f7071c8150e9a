// The query files under queries/: every statement copytrail runs is one of them, read once by name.
// Kept apart from the store so that composing SQL text (sql-text.ts) and running it (store.ts) can
// both read them.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const QUERIES_DIR = dirname(fileURLToPath(import.meta.url));

/** A store that cannot open, a query that cannot be found or run. */
export class StoreError extends Error {
  override name = 'StoreError';
}

const sqlCache = new Map<string, string>();

/** The text of a named query: `ingest/stage_batch` is queries/ingest/stage_batch.sql. */
export function sqlText(name: string): string {
  let text = sqlCache.get(name);
  if (text === undefined) {
    if (!/^[a-z0-9_]+(\/[a-z0-9_]+)*$/.test(name)) throw new StoreError(`invalid query name '${name}'`);
    const file = join(QUERIES_DIR, `${name}.sql`);
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new StoreError(`no query named '${name}' (expected ${file})`, { cause });
    }
    sqlCache.set(name, text);
  }
  return text;
}

/** Every named query under queries/, by name (used by the test that prepares them all). */
export function listQueryNames(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql')) out.push(relative(QUERIES_DIR, full).replace(/\.sql$/, ''));
    }
  };
  walk(QUERIES_DIR);
  return out.sort();
}

export function migrationNames(): string[] {
  return listQueryNames().filter((n) => n.startsWith('schema/'));
}
