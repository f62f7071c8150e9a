// The evidence manifest of a report: what it was made from (a Merkle root over the file ledger, the
// list itself in a gzipped sidecar), the queries run, the config, and each output's sha256 and size;
// signed with Ed25519 over its exact bytes, the signature in a detached `<base>.manifest.sig`.
import { createHash, sign } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { VERSION } from '../core/version.ts';
import { type Store, sqlText } from '../queries/store.ts';
import { partialDone, partialPath, type Written, writeAtomic } from './atomic-write.ts';
import type { SigningKey } from './manifest-key.ts';
import {
  INPUTS_SUFFIX,
  type InputsSummary,
  MANIFEST_SUFFIX,
  MANIFEST_VERSION,
  type ManifestOutput,
  SIGNATURE_SUFFIX,
  TREE,
} from './manifest-schema.ts';
import { InputRow, LEAF_FIELDS, leafHashOfText, leafText, MerkleBuilder } from './merkle.ts';

export const INPUTS_QUERY = 'reports/common/inputs';
export const INPUTS_ORDER = 'location, source, kind, sha256, size, status, digest_status (DuckDB order)';

/** Every ledger row, in the query's order, a DuckDB chunk at a time (never all 100k rows at once). */
export async function* ledgerRows(store: Store): AsyncGenerator<InputRow[]> {
  const result = await store.conn.stream(sqlText(INPUTS_QUERY));
  let n = 0;
  for await (const chunk of result.yieldRowObjectJson()) {
    yield chunk.map((raw) => {
      const parsed = InputRow.safeParse(raw);
      if (!parsed.success) {
        throw new Error(
          `query ${INPUTS_QUERY} row ${n} does not match its contract: ${parsed.error.message}`,
        );
      }
      n++;
      return parsed.data;
    });
  }
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Writes `<base>.inputs.jsonl.gz` (one ledger row a line: the JSON array its leaf hashes) while building the
 * Merkle root over the same rows: one pass, bounded memory, atomic like every report file.
 */
export async function writeInputs(
  store: Store,
  out: string,
  base: string,
): Promise<{ summary: InputsSummary; path: string; written: Written }> {
  const file = `${base}${INPUTS_SUFFIX}`;
  const path = join(out, file);
  const tmp = partialPath(path);
  const tree = new MerkleBuilder();
  const digest: Record<string, number> = {};
  const status: Record<string, number> = {};
  const hash = createHash('sha256');
  let bytes = 0;
  const fd = openSync(tmp, 'w');
  // gzip's default header carries no time nor name: the same rows give the same bytes
  const gzip = createGzip({ level: 6 });
  gzip.on('data', (buf: Buffer) => {
    hash.update(buf);
    bytes += buf.length;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  });
  const ended = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  try {
    for await (const rows of ledgerRows(store)) {
      const lines: string[] = [];
      for (const row of rows) {
        const line = leafText(row);
        tree.addLeaf(leafHashOfText(line));
        bump(digest, row.digest_status);
        bump(status, row.status);
        lines.push(line);
      }
      if (!gzip.write(`${lines.join('\n')}\n`)) await new Promise((r) => gzip.once('drain', r));
    }
    gzip.end();
    await ended;
  } catch (err) {
    gzip.destroy();
    closeSync(fd);
    rmSync(tmp, { force: true });
    partialDone(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  partialDone(tmp);
  return {
    path,
    written: { sha256: hash.digest('hex'), bytes },
    summary: {
      file,
      count: tree.count,
      merkle_root: tree.root(),
      tree: TREE,
      leaf: [...LEAF_FIELDS],
      order: INPUTS_ORDER,
      digest_status: sorted(digest),
      status: sorted(status),
    },
  };
}

const sorted = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export interface ManifestParts {
  report: string;
  report_id: string | null;
  generated_at: string;
  window: unknown;
  subject: string | null;
  config: unknown;
  summary: unknown;
  inputs: InputsSummary;
  queries: unknown;
  outputs: ManifestOutput[];
}

export interface WrittenManifest {
  path: string;
  signaturePath: string;
  bytes: Buffer;
  signature: Buffer;
}

/** The manifest's exact bytes; what the signature covers. */
export function manifestBytes(parts: ManifestParts, key: SigningKey, base: string): Buffer {
  const manifest = {
    manifest_version: MANIFEST_VERSION,
    tool: { name: 'copytrail', version: VERSION, node: process.version },
    report: parts.report,
    report_id: parts.report_id,
    generated_at: parts.generated_at,
    window: parts.window,
    subject: parts.subject,
    config: parts.config,
    summary: parts.summary,
    signer: {
      algorithm: 'ed25519',
      key_id: key.keyId,
      public_key: key.publicKeyB64,
      origin: key.origin,
      signature_file: `${base}${SIGNATURE_SUFFIX}`,
    },
    inputs: parts.inputs,
    queries: parts.queries,
    outputs: parts.outputs,
  };
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** Writes `<base>.manifest.json`, then its detached signature `<base>.manifest.sig` (base64, one line). */
export function writeManifest(
  out: string,
  base: string,
  parts: ManifestParts,
  key: SigningKey,
): WrittenManifest {
  const bytes = manifestBytes(parts, key, base);
  const signature = sign(null, bytes, key.privateKey);
  const path = join(out, `${base}${MANIFEST_SUFFIX}`);
  const signaturePath = join(out, `${base}${SIGNATURE_SUFFIX}`);
  writeAtomic(path, bytes);
  writeAtomic(signaturePath, `${signature.toString('base64')}\n`);
  return { path, signaturePath, bytes, signature };
}
