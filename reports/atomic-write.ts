// A report file appears whole or not at all: written under a private `.partial` name, then renamed,
// so a run killed mid-write leaves the previous file. The sha256 and size are taken from the bytes
// as they are written, so a large file is never read back nor held whole.
import { createHash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface Written {
  sha256: string;
  bytes: number;
}

/** Writes a string, a buffer, or pieces of either (an iterable that is neither) to `path`. */
export function writeAtomic(path: string, data: string | Buffer | Iterable<string | Buffer>): Written {
  const pieces: Iterable<string | Buffer> = typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data;
  const tmp = `${path}.${process.pid}.partial`;
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
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return { sha256: hash.digest('hex'), bytes };
}
