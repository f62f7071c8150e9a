// Reads the members of a .zip archive (stored or deflated) so shared datasets can be ingested
// without unpacking them first. Only what log archives use: no zip64, no encryption.
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipMember {
  name: string;
  compressedSize: number;
  size: number;
  read(): Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function zipMembers(archive: Buffer, label: string): ZipMember[] {
  let eocd = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 65535); i--) {
    if (archive.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError(`${label}: not a zip archive (no end-of-central-directory record)`);
  const count = archive.readUInt16LE(eocd + 10);
  let at = archive.readUInt32LE(eocd + 16);
  const members: ZipMember[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > archive.length || archive.readUInt32LE(at) !== CENTRAL) {
      throw new ZipError(`${label}: central directory entry ${n} is damaged`);
    }
    const flags = archive.readUInt16LE(at + 8);
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLen = archive.readUInt16LE(at + 28);
    const extraLen = archive.readUInt16LE(at + 30);
    const commentLen = archive.readUInt16LE(at + 32);
    const localOffset = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    members.push({
      name,
      compressedSize,
      size,
      read() {
        if (flags & 1) throw new ZipError(`${label}!/${name}: encrypted zip members are not supported`);
        if (archive.readUInt32LE(localOffset) !== LOCAL) {
          throw new ZipError(`${label}!/${name}: local header is damaged`);
        }
        const start =
          localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
        const body = archive.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(body);
        if (method === 8) return inflateRawSync(body);
        throw new ZipError(`${label}!/${name}: compression method ${method} is not supported`);
      },
    });
  }
  return members;
}
