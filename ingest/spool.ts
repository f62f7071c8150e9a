// Where ingest stages batches: one spool folder per database, a fresh run folder in it per
// run, removed however the run ends. What a killed run left is removed by the next run on that
// database: DuckDB lets one process write a database file at a time, so no live run owns it.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export interface Spool {
  /** This run's own folder. */
  dir: string;
  /** Removes the run folder, and the database's spool folder when nothing else is in it. */
  remove(): void;
}

/**
 * The spool folder of a database file: `<db>.spool` beside it, or `<name>-<hash>.spool` inside
 * `dir` (the hash of the full path keeps two databases of one name apart). Null for an in-memory
 * store, which has no file to own a folder.
 */
export function spoolRootFor(dbPath: string, dir?: string): string | null {
  if (dbPath === ':memory:') return null;
  const db = resolve(dbPath);
  if (!dir) return `${db}.spool`;
  const tag = createHash('sha256').update(db).digest('hex').slice(0, 12);
  return join(resolve(dir), `${basename(db)}-${tag}.spool`);
}

export function openSpool(dbPath: string, dir?: string): Spool {
  const root = spoolRootFor(dbPath, dir);
  if (root === null) {
    // a shared folder: make a private run folder in it and never sweep what others put there
    const parent = dir ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    const own = mkdtempSync(join(parent, 'copytrail-spool-'));
    return { dir: own, remove: () => rmSync(own, { recursive: true, force: true }) };
  }
  mkdirSync(root, { recursive: true });
  for (const stale of readdirSync(root)) rmSync(join(root, stale), { recursive: true, force: true });
  const own = mkdtempSync(join(root, 'run-'));
  return {
    dir: own,
    remove() {
      rmSync(own, { recursive: true, force: true });
      try {
        rmdirSync(root);
      } catch {
        // not empty or already gone: either way nothing of this run is left
      }
    },
  };
}
