// Name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace and a name), so the same report run
// over the same inputs names its documents and findings with the same UUIDs every time.
import { hash } from 'node:crypto';

/** copytrail's namespace for its name-based UUIDs (a fixed random v4 UUID, never to change). */
export const COPYTRAIL_NAMESPACE = '0f6b5a8e-3c1d-4e27-9a4b-7d2c6e81f053';

function bytes(uuid: string): Buffer {
  const h = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(h)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(h, 'hex');
}

const NAMESPACE_BYTES = bytes(COPYTRAIL_NAMESPACE);

// one-shot hashing and the namespace's bytes worked out once: a report names every finding with one
// of these, 40k of them in a large residency report's OSCAL
export function uuidV5(name: string, namespace: string = COPYTRAIL_NAMESPACE): string {
  const ns = namespace === COPYTRAIL_NAMESPACE ? NAMESPACE_BYTES : bytes(namespace);
  const b = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'buffer').subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50; // version 5
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC variant (10xx)
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
