// The Merkle tree over a report's inputs: one root that commits to every row of the file ledger, so
// the manifest stays small while still proving each input. The shape is RFC 6962's (Certificate
// Transparency): a 0x00 prefix on leaves and 0x01 on nodes, so a node can never pass as a leaf, and
// an odd subtree is carried up rather than paired with a copy of itself (Bitcoin's duplicate-leaf flaw).
import { createHash, hash } from 'node:crypto';
import { z } from 'zod';

/** The ledger columns a leaf commits to, in leaf order. */
export const LEAF_FIELDS = [
  'location',
  'source',
  'kind',
  'sha256',
  'size',
  'status',
  'digest_status',
] as const;

/** One input of a report: a row of the file ledger, as the sidecar stores it (one JSON object a line). */
export const InputRow = z
  .object({
    location: z.string(),
    source: z.string(),
    kind: z.string(),
    sha256: z.string().nullable(),
    size: z.coerce.number().int().nonnegative().nullable(),
    status: z.string(),
    digest_status: z.string(),
  })
  .strict();
export type InputRow = z.infer<typeof InputRow>;

/**
 * The text a leaf hashes, and the sidecar's line for the row: a JSON array of LEAF_FIELDS, so no two
 * different rows encode alike and anyone can recompute a leaf from a line as it stands.
 */
export function leafText(row: InputRow): string {
  return JSON.stringify(LEAF_FIELDS.map((f) => row[f]));
}

const NODE = Buffer.from([1]);

// One-shot hashing (crypto.hash): a Hash object per leaf and per node cost more than the hashing
// itself, half a second of a 100k-file ledger. U+0000 is the one byte 0x00 in UTF-8: the same bytes.
export function leafHashOfText(text: string): Buffer {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

export function leafHash(row: InputRow): Buffer {
  return leafHashOfText(leafText(row));
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE, left, right], 65), 'buffer');
}

/** A sidecar line back into its row; a line that is not the row's canonical text is refused. */
export function rowOfLine(line: string): InputRow {
  let values: unknown;
  try {
    values = JSON.parse(line);
  } catch {
    throw new Error('not JSON');
  }
  if (!Array.isArray(values) || values.length !== LEAF_FIELDS.length) {
    throw new Error(`not an array of the ${LEAF_FIELDS.length} leaf fields`);
  }
  const parsed = InputRow.safeParse(Object.fromEntries(LEAF_FIELDS.map((f, i) => [f, values[i]])));
  if (!parsed.success) throw new Error(`not an input row: ${parsed.error.issues[0]?.message}`);
  if (leafText(parsed.data) !== line) throw new Error('not in canonical form');
  return parsed.data;
}

/**
 * The root, built as rows arrive with O(log n) memory: the stack holds perfect subtrees of
 * decreasing size, merged when two are equal; at the end they fold right to left, which is
 * exactly RFC 6962's split at the largest power of two below n.
 */
export class MerkleBuilder {
  private readonly stack: { hash: Buffer; size: number }[] = [];
  count = 0;

  add(row: InputRow): void {
    this.addLeaf(leafHash(row));
  }

  addLeaf(hash: Buffer): void {
    this.count++;
    let top = { hash, size: 1 };
    while (this.stack.length && this.stack[this.stack.length - 1]!.size === top.size) {
      const left = this.stack.pop()!;
      top = { hash: nodeHash(left.hash, top.hash), size: left.size * 2 };
    }
    this.stack.push(top);
  }

  /** hex root; the empty tree's root is sha256 of nothing, as in RFC 6962 */
  root(): string {
    if (!this.stack.length) return createHash('sha256').digest('hex');
    let hash = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!.hash, hash);
    return hash.toString('hex');
  }
}

/** The root of a whole list by the recursive definition: the reference the streaming builder is tested against. */
export function merkleRootOf(leaves: Buffer[]): string {
  const mth = (list: Buffer[]): Buffer => {
    if (list.length === 1) return list[0]!;
    let k = 1;
    while (k * 2 < list.length) k *= 2;
    return nodeHash(mth(list.slice(0, k)), mth(list.slice(k)));
  };
  return leaves.length ? mth(leaves).toString('hex') : createHash('sha256').digest('hex');
}
