// Reading a report folder as an attacker may have left it: only plain files directly in it, opened
// without following a symlink or blocking on a FIFO, read in bounded pieces.
import { createHash } from 'node:crypto';
import { constants, lstatSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { safeFileName } from './manifest-schema.ts';
import { type InputRow, rowOfLine } from './merkle.ts';

const MAX_LINE = 1024 * 1024;

export type Opened =
  | { ok: true; handle: FileHandle; size: number }
  | { ok: false; kind: 'unsafe_name' | 'missing' | 'not_regular' | 'unreadable'; message: string };

/** Opens a plain file directly in DIR without following a symlink or blocking on a FIFO. */
export async function openPlain(dir: string, name: string): Promise<Opened> {
  if (!safeFileName(name)) {
    return {
      ok: false,
      kind: 'unsafe_name',
      message: 'not a plain file name in the report folder: not read',
    };
  }
  const path = join(dir, name);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch {
    return { ok: false, kind: 'missing', message: 'missing' };
  }
  if (st.isSymbolicLink())
    return { ok: false, kind: 'not_regular', message: 'a symbolic link, not the file itself' };
  if (!st.isFile()) return { ok: false, kind: 'not_regular', message: 'not a regular file' };
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return { ok: false, kind: 'unreadable', message: `cannot open it (${(err as Error).message})` };
  }
  const fst = await handle.stat();
  if (!fst.isFile() || fst.ino !== st.ino) {
    await handle.close();
    return { ok: false, kind: 'not_regular', message: 'changed while being opened' };
  }
  return { ok: true, handle, size: fst.size };
}

export async function readAll(handle: FileHandle, limit: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > limit) return null;
    parts.push(buf.subarray(0, bytesRead));
  }
  return Buffer.concat(parts);
}

export async function hashFile(handle: FileHandle): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  let bytes = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    bytes += bytesRead;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The sidecar's rows, one line at a time, gunzipped as read; a line longer than MAX_LINE is an error. */
export async function* sidecarRows(handle: FileHandle): AsyncGenerator<InputRow> {
  const gunzip = handle.createReadStream({ autoClose: false }).pipe(createGunzip());
  let pending = '';
  let n = 0;
  const parse = (line: string): InputRow => {
    n++;
    try {
      return rowOfLine(line);
    } catch (err) {
      throw new Error(`line ${n}: ${(err as Error).message}`);
    }
  };
  for await (const chunk of gunzip) {
    pending += (chunk as Buffer).toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      yield parse(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE) throw new Error(`line ${n + 1} is longer than ${MAX_LINE} characters`);
  }
  if (pending.length) throw new Error(`the last line (${n + 1}) has no newline: the file was cut short`);
}
