// Reads the members of a .zip archive (stored or deflated) so shared datasets can be ingested without
// unpacking them first. Only what log archives use: no zip64, no encryption. The archive is read in
// pieces (its directory, then one member at a time), and inflation stops at the size cap.
import { constants, inflateRawSync } from 'node:zlib';
import { InputRejected } from './input-rejected.ts';

export class ZipError extends Error {
  override name = 'ZipError';
}

/** Random access to the archive's bytes: a file opened per read, or a buffer in tests. */
export interface ZipSource {
  size: number;
  read(position: number, length: number): Buffer;
}

export interface ZipMember {
  name: string;
  compressedSize: number;
  /** the uncompressed size the archive declares; inflation is capped whatever it says */
  size: number;
  read(): Buffer;
  /** the first bytes of the uncompressed member, for recognising its content */
  head(length: number): Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function tooLarge(maxBytes: number): InputRejected {
  return new InputRejected(`too large after decompression (> ${maxBytes} bytes)`);
}

export function bufferSource(archive: Buffer): ZipSource {
  return { size: archive.length, read: (at, length) => archive.subarray(at, at + length) };
}

export function zipMembers(src: ZipSource, label: string, maxBytes: number): ZipMember[] {
  const tailLength = Math.min(src.size, 22 + 65535);
  const tailStart = src.size - tailLength;
  const tail = src.read(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError(`${label}: not a zip archive (no end-of-central-directory record)`);
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    throw new ZipError(`${label}: zip64 archives are not supported`);
  }
  if (cdOffset + cdSize > src.size) throw new ZipError(`${label}: central directory lies past the end`);
  const cd = src.read(cdOffset, cdSize);
  const members: ZipMember[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) {
      throw new ZipError(`${label}: central directory entry ${n} is damaged`);
    }
    const flags = cd.readUInt16LE(at + 8);
    const method = cd.readUInt16LE(at + 10);
    const compressedSize = cd.readUInt32LE(at + 20);
    const size = cd.readUInt32LE(at + 24);
    const nameLen = cd.readUInt16LE(at + 28);
    const extraLen = cd.readUInt16LE(at + 30);
    const commentLen = cd.readUInt16LE(at + 32);
    const localOffset = cd.readUInt32LE(at + 42);
    const name = cd.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    const where = `${label}!/${name}`;
    const body = (limit: number): Buffer => {
      if (flags & 1) throw new ZipError(`${where}: encrypted zip members are not supported`);
      const local = src.read(localOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) {
        throw new ZipError(`${where}: local header is damaged`);
      }
      const start = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      return src.read(start, Math.min(compressedSize, limit));
    };
    members.push({
      name,
      compressedSize,
      size,
      read() {
        if (size > maxBytes || (method === 0 && compressedSize > maxBytes)) throw tooLarge(maxBytes);
        if (method === 0) return Buffer.from(body(compressedSize));
        if (method !== 8) throw new ZipError(`${where}: compression method ${method} is not supported`);
        try {
          return inflateRawSync(body(compressedSize), { maxOutputLength: maxBytes });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
          throw new ZipError(`${where}: ${(err as Error).message}`, { cause: err });
        }
      },
      head(length) {
        if (method === 0) return Buffer.from(body(length));
        if (method !== 8) throw new ZipError(`${where}: compression method ${method} is not supported`);
        // inflate only as much as a few kilobytes of compressed input give, without asking for the end
        const out = inflateRawSync(body(length), {
          finishFlush: constants.Z_SYNC_FLUSH,
          maxOutputLength: 1024 * 1024,
        });
        return out.subarray(0, length);
      },
    });
  }
  return members;
}
