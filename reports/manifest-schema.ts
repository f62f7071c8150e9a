// The evidence manifest's shape and file names, shared by the writer (manifest.ts) and the verifier
// (manifest-verify.ts). Version 2: signed, inputs as a Merkle root with the list in a sidecar.
import { z } from 'zod';
import { LEAF_FIELDS } from './merkle.ts';

export const MANIFEST_VERSION = 2;
export const MANIFEST_SUFFIX = '.manifest.json';
export const SIGNATURE_SUFFIX = '.manifest.sig';
export const INPUTS_SUFFIX = '.inputs.jsonl.gz';
/** RFC 6962 shape with sha256; leaves are the JSON array of LEAF_FIELDS, in the sidecar's order */
export const TREE = 'rfc6962-sha256';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

export const ManifestOutput = z
  .object({
    file: z.string(),
    format: z.string(),
    sha256: Hex64,
    bytes: z.number().int().nonnegative(),
  })
  .strict();
export type ManifestOutput = z.infer<typeof ManifestOutput>;

export const Counts = z.record(z.string(), z.number().int().nonnegative());

export const InputsSummary = z
  .object({
    /** the sidecar, one ledger row a line; its hash is among the outputs */
    file: z.string(),
    count: z.number().int().nonnegative(),
    merkle_root: Hex64,
    tree: z.literal(TREE),
    leaf: z.array(z.string()).refine((l) => l.join() === LEAF_FIELDS.join(), {
      message: `the leaf fields are ${LEAF_FIELDS.join(', ')}`,
    }),
    order: z.string(),
    digest_status: Counts,
    status: Counts,
  })
  .strict();
export type InputsSummary = z.infer<typeof InputsSummary>;

export const Signer = z
  .object({
    algorithm: z.literal('ed25519'),
    /** hex sha256 of the SPKI DER public key */
    key_id: Hex64,
    /** base64 SPKI DER */
    public_key: z.string(),
    origin: z.enum(['env', 'config', 'local', 'ephemeral']),
    signature_file: z.string(),
  })
  .strict();
export type Signer = z.infer<typeof Signer>;

/** What the verifier needs; the rest (config, summary, queries) is evidence it carries unread. */
export const Manifest = z
  .object({
    manifest_version: z.literal(MANIFEST_VERSION),
    report: z.string(),
    signer: Signer,
    inputs: InputsSummary,
    outputs: z.array(ManifestOutput),
  })
  .passthrough();
export type Manifest = z.infer<typeof Manifest>;

/** A file name a manifest may list: a plain name in the report's own folder, nothing that walks out of it. */
export function safeFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\0]/.test(name) &&
    !/^[A-Za-z]:/.test(name)
  );
}
