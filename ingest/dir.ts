// `ingest dir`: local files and folders, either a downloaded trail bucket (account or organization
// layout, any key prefix) or loose files. Zip archives are read member by member.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDigestLocation, isLogFileName } from './layout.ts';
import type { InputFile } from './loader.ts';
import { zipMembers } from './zip.ts';

function readSidecar(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

export class SourceError extends Error {
  override name = 'SourceError';
}

export interface Walked {
  files: InputFile[];
  /** Files found while walking folders that are not log files (licences, notes, …). */
  ignored: string[];
}

/** Lists the input files under the given paths, sorted so runs are repeatable. */
export function walkPaths(paths: string[]): Walked {
  const files: InputFile[] = [];
  const ignored: string[] = [];
  const addFile = (full: string, size: number) => {
    if (/\.zip$/i.test(full)) {
      let members: ReturnType<typeof zipMembers>;
      try {
        members = zipMembers(readFileSync(full), full);
      } catch {
        // an unreadable archive is still an input: the loader rejects it with the reason
        files.push({ location: full, size, read: async () => readFileSync(full) });
        return;
      }
      for (const m of members) {
        if (!isLogFileName(m.name)) {
          ignored.push(`${full}!/${m.name}`);
          continue;
        }
        files.push({ location: `${full}!/${m.name}`, size: m.size, read: async () => m.read() });
      }
      return;
    }
    files.push({
      location: full,
      size,
      read: async () => readFileSync(full),
      // S3 keeps a digest's signature in object metadata; a local copy keeps it in <digest>.sig
      ...(isDigestLocation(full) ? { signature: async () => readSidecar(`${full}.sig`) } : {}),
    });
  };
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        if (isLogFileName(entry.name)) addFile(full, statSync(full).size);
        else if (!entry.name.endsWith('.sig')) ignored.push(full);
      }
    }
  };
  for (const p of paths) {
    const full = resolve(p);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(full);
    } catch (cause) {
      throw new SourceError(`no such file or folder: ${p}`, { cause });
    }
    if (st.isDirectory()) walk(full);
    else addFile(full, st.size);
  }
  return { files, ignored };
}
