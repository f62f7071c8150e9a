// The file-system calls `ingest dir` makes, injectable so a test can make one fail (root reads any
// folder, whatever its mode). Files are opened non-blocking and checked once open, so a FIFO or
// device put in a file's place after the walk is refused instead of waited on.
import * as nodeFs from 'node:fs';
import { InputRejected } from './input-rejected.ts';

export interface LocalFs {
  readdirSync(path: string, options: { withFileTypes: true }): nodeFs.Dirent[];
  statSync(path: string): nodeFs.Stats;
  lstatSync(path: string): nodeFs.Stats;
  readlinkSync(path: string): string;
  openSync(path: string, flags: number): number;
  fstatSync(fd: number): nodeFs.Stats;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

export function localFs(overrides: Partial<LocalFs> = {}): LocalFs {
  return {
    readdirSync: (path, options) => nodeFs.readdirSync(path, options),
    statSync: (path) => nodeFs.statSync(path),
    lstatSync: (path) => nodeFs.lstatSync(path),
    readlinkSync: (path) => nodeFs.readlinkSync(path),
    openSync: (path, flags) => nodeFs.openSync(path, flags),
    fstatSync: (fd) => nodeFs.fstatSync(fd),
    readSync: (fd, buffer, offset, length, position) => nodeFs.readSync(fd, buffer, offset, length, position),
    closeSync: (fd) => nodeFs.closeSync(fd),
    ...overrides,
  };
}

interface TypeTests {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}

/** What a non-regular file is, in the words a reject reason uses. */
export function kindOf(entry: TypeTests): string {
  if (entry.isFIFO()) return 'FIFO';
  if (entry.isSocket()) return 'socket';
  if (entry.isCharacterDevice()) return 'character device';
  if (entry.isBlockDevice()) return 'block device';
  if (entry.isSymbolicLink()) return 'symbolic link';
  return 'unknown type';
}

const READ_FLAGS = nodeFs.constants.O_RDONLY | nodeFs.constants.O_NONBLOCK;

/** Opens a regular file (refusing anything else) and hands its descriptor and size to `use`. */
export function withRegularFile<T>(fs: LocalFs, path: string, use: (fd: number, size: number) => T): T {
  const fd = fs.openSync(path, READ_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new InputRejected(`not a regular file (${kindOf(st)})`);
    return use(fd, st.size);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads `length` bytes from `position`, or fewer at the end of the file. */
export function readAt(fs: LocalFs, fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** A whole regular file, refused when it is larger than `maxBytes` (checked before reading). */
export function readRegularFile(fs: LocalFs, path: string, maxBytes: number): Buffer {
  return withRegularFile(fs, path, (fd, size) => {
    if (size > maxBytes) throw new InputRejected(`too large: ${size} bytes (> ${maxBytes} bytes)`);
    return readAt(fs, fd, 0, size);
  });
}

/** The first `length` bytes of a regular file. */
export function readHead(fs: LocalFs, path: string, length: number): Buffer {
  return withRegularFile(fs, path, (fd, size) => readAt(fs, fd, 0, Math.min(size, length)));
}
