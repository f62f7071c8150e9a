// A report file appears whole or not at all: written under a private `.partial` name, then renamed,
// so a run killed mid-write leaves the previous file. The sha256 and size are taken from the bytes
// as they are written, so a large file is never read back nor held whole. A write in flight when
// the process exits (a SIGINT/SIGTERM stop) is removed on the way out; one left by a process that
// could not clean up (SIGKILL, power loss) is swept by the next run into the same folder.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const inFlight = new Set<string>();
let exitHook = false;

/** The private name `path` is written under until it is whole; removed at exit if still there. */
export function partialPath(path: string): string {
  const tmp = `${path}.${process.pid}.partial`;
  inFlight.add(tmp);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const file of inFlight) rmSync(file, { force: true });
    });
  }
  return tmp;
}

/** The write under `tmp` has ended: renamed into place or removed. */
export function partialDone(tmp: string): void {
  inFlight.delete(tmp);
}

const PARTIAL = /\.(\d+)\.partial$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user holds the pid, so it is alive
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the `.partial` files in `dir` whose writer is no longer running (a run killed mid-write).
 * A partial of a live process, another run writing into the same folder, is left alone. Returns the
 * names removed.
 */
export function sweepPartials(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const m = PARTIAL.exec(entry);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, entry), { force: true });
    removed.push(entry);
  }
  return removed;
}

export interface Written {
  sha256: string;
  bytes: number;
}

/** Writes a string, a buffer, or pieces of either (an iterable that is neither) to `path`. */
export function writeAtomic(path: string, data: string | Buffer | Iterable<string | Buffer>): Written {
  const pieces: Iterable<string | Buffer> = typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data;
  const tmp = partialPath(path);
  const hash = createHash('sha256');
  let bytes = 0;
  const fd = openSync(tmp, 'w');
  try {
    for (const piece of pieces) {
      const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      hash.update(buf);
      bytes += buf.length;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    }
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    partialDone(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  partialDone(tmp);
  return { sha256: hash.digest('hex'), bytes };
}
