// `copytrail manifest verify DIR`: checks every report manifest in a folder — the Ed25519 signature
// over the manifest's exact bytes, the sha256 and size of every output it lists, the Merkle root of
// its inputs recomputed from the sidecar (and, given a store, from the store's own ledger) — and
// names every problem. It reads only plain files directly in DIR: no symlink, no path that leaves it.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { hashFile, openPlain, readAll, sidecarRows } from './manifest-files.ts';
import { keyIdOf } from './manifest-key.ts';
import { MANIFEST_SUFFIX, Manifest, ManifestOutput, SIGNATURE_SUFFIX } from './manifest-schema.ts';
import { type InputRow, MerkleBuilder } from './merkle.ts';

/** Exit status after a change was found: the same as `copytrail verify` uses for tampering. */
export const TAMPERED_EXIT = 1;

export class ManifestUsageError extends Error {
  override name = 'ManifestUsageError';
}

export type ProblemKind =
  | 'unreadable'
  | 'malformed'
  | 'unsigned'
  | 'signature'
  | 'key'
  | 'untrusted'
  | 'unsafe_name'
  | 'not_regular'
  | 'missing'
  | 'size'
  | 'sha256'
  | 'inputs'
  | 'store'
  | 'unlisted';

export interface Problem {
  /** the manifest it concerns, or null for a folder-wide finding */
  manifest: string | null;
  file: string | null;
  kind: ProblemKind;
  message: string;
  expected?: string | number;
  actual?: string | number;
}

export interface ManifestCheck {
  manifest: string;
  report: string | null;
  generated_at: string | null;
  signer: { key_id: string; origin: string; trusted: boolean | null } | null;
  outputs: number;
  inputs: { count: number; merkle_root: string; store: boolean | null } | null;
  problems: Problem[];
}

export interface VerifyReport {
  dir: string;
  ok: boolean;
  /** the key a signer had to match (--key), or null when the embedded key was taken as given */
  required_key: string | null;
  manifests: ManifestCheck[];
  /** files in DIR that no manifest lists: nothing vouches for them */
  warnings: Problem[];
  problems: number;
}

/** A key a signer must match: a fingerprint, or a public key (PEM) whose fingerprint is computed. */
export interface TrustedKey {
  keyId: string;
  publicKey: KeyObject | null;
}

const FINGERPRINT = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** `--key`: a PEM file (public key, or the private key the public half is derived from), or a hex fingerprint. */
export function parseTrustedKey(value: string): TrustedKey {
  const fp = FINGERPRINT.exec(value.trim());
  if (fp) return { keyId: fp[1]!.toLowerCase(), publicKey: null };
  if (!existsSync(value)) {
    throw new ManifestUsageError(
      `--key '${value}' is neither a file nor a key fingerprint (64 hex digits, as \`copytrail report\` prints)`,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(value));
  } catch (cause) {
    throw new ManifestUsageError(`--key ${value}: not a PEM key (${(cause as Error).message})`, { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ManifestUsageError(
      `--key ${value}: a ${key.asymmetricKeyType} key; manifests are signed with Ed25519`,
    );
  }
  return { keyId: keyIdOf(key), publicKey: key };
}

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 1024;
/** The ledger of a store, as manifest.ts reads it; passed in so that verifying needs no database otherwise. */
export type LedgerSource = () => AsyncIterable<InputRow[]>;

export interface VerifyOptions {
  key?: TrustedKey;
  ledger?: LedgerSource;
}

/** Checks every `*.manifest.json` directly in `dir`. Throws ManifestUsageError when there is nothing to check. */
export async function verifyDir(dirArg: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const dir = resolve(dirArg);
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new ManifestUsageError(`${dirArg} is not a folder`);
    entries = readdirSync(dir).sort();
  } catch (err) {
    if (err instanceof ManifestUsageError) throw err;
    throw new ManifestUsageError(`no folder ${dirArg} (${(err as Error).message})`, { cause: err });
  }
  const manifests = entries.filter((e) => e.endsWith(MANIFEST_SUFFIX));
  if (!manifests.length) {
    throw new ManifestUsageError(`no report manifest (*${MANIFEST_SUFFIX}) in ${dirArg}`);
  }
  const claimed = new Set<string>();
  const checks: ManifestCheck[] = [];
  for (const name of manifests) checks.push(await checkManifest(dir, name, options, claimed));
  const warnings: Problem[] = [];
  for (const entry of entries) {
    if (claimed.has(entry) || entry.endsWith('.run.json')) continue;
    const st = lstatSync(join(dir, entry));
    if (st.isDirectory()) continue;
    const message = entry.endsWith(SIGNATURE_SUFFIX)
      ? 'a signature without its manifest'
      : entry.endsWith('.partial')
        ? 'left over from an interrupted write'
        : 'listed in no manifest: nothing here vouches for it';
    warnings.push({ manifest: null, file: entry, kind: 'unlisted', message });
  }
  const problems = checks.reduce((n, c) => n + c.problems.length, 0);
  return {
    dir,
    ok: problems === 0,
    required_key: options.key?.keyId ?? null,
    manifests: checks,
    warnings,
    problems,
  };
}

async function checkManifest(
  dir: string,
  name: string,
  options: VerifyOptions,
  claimed: Set<string>,
): Promise<ManifestCheck> {
  const base = name.slice(0, -MANIFEST_SUFFIX.length);
  const sigName = `${base}${SIGNATURE_SUFFIX}`;
  claimed.add(name);
  claimed.add(sigName);
  const check: ManifestCheck = {
    manifest: name,
    report: null,
    generated_at: null,
    signer: null,
    outputs: 0,
    inputs: null,
    problems: [],
  };
  const problem = (file: string | null, kind: ProblemKind, message: string, extra: Partial<Problem> = {}) =>
    check.problems.push({ manifest: name, file, kind, message, ...extra });

  const opened = await openPlain(dir, name);
  if (!opened.ok) {
    problem(name, opened.kind, opened.message);
    return check;
  }
  const bytes = await readAll(opened.handle, MAX_MANIFEST_BYTES).finally(() => opened.handle.close());
  if (!bytes) {
    problem(name, 'malformed', `larger than ${MAX_MANIFEST_BYTES} bytes: not a manifest copytrail wrote`);
    return check;
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    problem(name, 'malformed', `not JSON (${(err as Error).message})`);
    return check;
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    const version = (json as { manifest_version?: unknown } | null)?.manifest_version;
    if (version === undefined) {
      problem(
        name,
        'unsigned',
        'an unsigned manifest (written before manifests were signed): nothing proves it',
      );
    } else {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
      problem(name, 'malformed', `not a manifest of version 2: ${issues.join('; ')}`);
    }
    // the outputs an older or damaged manifest lists are still worth checking
    const outputs = z.array(ManifestOutput).safeParse((json as { outputs?: unknown } | null)?.outputs);
    if (outputs.success) await checkOutputs(dir, name, sigName, outputs.data, check, claimed);
    return check;
  }
  const m = parsed.data;
  check.report = m.report;
  check.generated_at = typeof m.generated_at === 'string' ? m.generated_at : null;

  await checkSignature(dir, name, sigName, bytes, m, options.key, check);
  await checkOutputs(dir, name, sigName, m.outputs, check, claimed);
  await checkInputs(dir, name, m, check, options.ledger);
  return check;
}

async function checkSignature(
  dir: string,
  name: string,
  sigName: string,
  bytes: Buffer,
  m: Manifest,
  trusted: TrustedKey | undefined,
  check: ManifestCheck,
): Promise<void> {
  const problem = (file: string | null, kind: ProblemKind, message: string, extra: Partial<Problem> = {}) =>
    check.problems.push({ manifest: name, file, kind, message, ...extra });
  check.signer = { key_id: m.signer.key_id, origin: m.signer.origin, trusted: trusted ? false : null };
  if (m.signer.signature_file !== sigName) {
    problem(name, 'signature', `names its signature ${m.signer.signature_file}, not ${sigName}`);
  }
  let publicKey: KeyObject | null = null;
  try {
    const der = Buffer.from(m.signer.public_key, 'base64');
    if (der.toString('base64') !== m.signer.public_key) throw new Error('not canonical base64');
    publicKey = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`a ${publicKey.asymmetricKeyType} key`);
  } catch (err) {
    problem(name, 'key', `signer.public_key is not an Ed25519 public key (${(err as Error).message})`);
    publicKey = null;
  }
  if (publicKey && keyIdOf(publicKey) !== m.signer.key_id) {
    problem(name, 'key', 'signer.key_id is not the fingerprint of signer.public_key', {
      expected: keyIdOf(publicKey),
      actual: m.signer.key_id,
    });
  }
  // with --key, the signature must verify under the trusted key itself, not only under the embedded one
  if (trusted) {
    if (publicKey && keyIdOf(publicKey) === trusted.keyId) {
      if (check.signer) check.signer.trusted = true;
      if (trusted.publicKey) publicKey = trusted.publicKey;
    } else {
      problem(name, 'untrusted', 'signed by a key other than the one --key requires', {
        expected: trusted.keyId,
        actual: publicKey ? keyIdOf(publicKey) : m.signer.key_id,
      });
    }
  }
  const opened = await openPlain(dir, sigName);
  if (!opened.ok) {
    problem(sigName, opened.kind === 'missing' ? 'signature' : opened.kind, `signature ${opened.message}`);
    return;
  }
  const text = await readAll(opened.handle, MAX_SIGNATURE_BYTES).finally(() => opened.handle.close());
  const b64 = text?.toString('utf8').trim() ?? '';
  const signature = Buffer.from(b64, 'base64');
  if (
    !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) ||
    signature.toString('base64') !== b64 ||
    signature.length !== 64
  ) {
    problem(
      sigName,
      'signature',
      `not an Ed25519 signature (${signature.length} bytes of base64; one is 64)`,
    );
    return;
  }
  if (publicKey && !verify(null, bytes, publicKey, signature)) {
    problem(sigName, 'signature', 'bad signature: the manifest is not the one that was signed');
  }
}

async function checkOutputs(
  dir: string,
  name: string,
  sigName: string,
  outputs: ManifestOutput[],
  check: ManifestCheck,
  claimed: Set<string>,
): Promise<void> {
  const problem = (file: string | null, kind: ProblemKind, message: string, extra: Partial<Problem> = {}) =>
    check.problems.push({ manifest: name, file, kind, message, ...extra });
  const seen = new Set<string>();
  check.outputs = outputs.length;
  for (const o of outputs) {
    if (seen.has(o.file)) {
      problem(o.file, 'malformed', 'listed twice');
      continue;
    }
    seen.add(o.file);
    if (o.file === name || o.file === sigName) {
      problem(o.file, 'malformed', 'a manifest cannot list itself or its signature');
      continue;
    }
    const opened = await openPlain(dir, o.file);
    if (!opened.ok) {
      problem(o.file, opened.kind, opened.message);
      continue;
    }
    claimed.add(o.file);
    const actual = await hashFile(opened.handle).finally(() => opened.handle.close());
    if (actual.bytes !== o.bytes) {
      problem(o.file, 'size', 'size differs', { expected: o.bytes, actual: actual.bytes });
    }
    if (actual.sha256 !== o.sha256) {
      problem(o.file, 'sha256', 'sha256 differs', { expected: o.sha256, actual: actual.sha256 });
    }
  }
}

async function checkInputs(
  dir: string,
  name: string,
  m: Manifest,
  check: ManifestCheck,
  ledger: LedgerSource | undefined,
): Promise<void> {
  const problem = (file: string | null, kind: ProblemKind, message: string, extra: Partial<Problem> = {}) =>
    check.problems.push({ manifest: name, file, kind, message, ...extra });
  const inputs = m.inputs;
  check.inputs = { count: inputs.count, merkle_root: inputs.merkle_root, store: null };
  const listed = m.outputs.find((o) => o.file === inputs.file);
  if (!listed) {
    problem(inputs.file, 'inputs', 'the inputs list is not among the outputs, so no hash covers it');
  }
  // an unlisted or altered sidecar is already a problem; its rows are read only when its bytes are the signed ones
  const alreadyBad = check.problems.some((p) => p.file === inputs.file);
  if (listed && !alreadyBad) {
    const opened = await openPlain(dir, inputs.file);
    if (opened.ok) {
      const tree = new MerkleBuilder();
      const digest: Record<string, number> = {};
      const status: Record<string, number> = {};
      try {
        for await (const row of sidecarRows(opened.handle)) {
          tree.add(row);
          digest[row.digest_status] = (digest[row.digest_status] ?? 0) + 1;
          status[row.status] = (status[row.status] ?? 0) + 1;
        }
        if (tree.count !== inputs.count) {
          problem(inputs.file, 'inputs', 'the number of inputs differs', {
            expected: inputs.count,
            actual: tree.count,
          });
        }
        if (tree.root() !== inputs.merkle_root) {
          problem(inputs.file, 'inputs', 'the Merkle root of the inputs differs', {
            expected: inputs.merkle_root,
            actual: tree.root(),
          });
        }
        for (const [what, expected, actual] of [
          ['digest_status', inputs.digest_status, digest],
          ['status', inputs.status, status],
        ] as const) {
          if (canonical(expected) !== canonical(actual)) {
            problem(inputs.file, 'inputs', `the ${what} totals differ`, {
              expected: canonical(expected),
              actual: canonical(actual),
            });
          }
        }
      } catch (err) {
        problem(inputs.file, 'inputs', `cannot read the inputs list: ${(err as Error).message}`);
      } finally {
        await opened.handle.close();
      }
    }
  }
  if (ledger) check.inputs.store = await checkStore(name, inputs.merkle_root, inputs.count, ledger, check);
}

const canonical = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');

/** Recomputes the root from the store's ledger: proves the report was made from this store's inputs as they are now. */
async function checkStore(
  name: string,
  root: string,
  count: number,
  ledger: LedgerSource,
  check: ManifestCheck,
): Promise<boolean> {
  const tree = new MerkleBuilder();
  for await (const rows of ledger()) for (const row of rows) tree.add(row);
  if (tree.root() === root && tree.count === count) return true;
  check.problems.push({
    manifest: name,
    file: null,
    kind: 'store',
    message: `the store's file ledger (${tree.count} files) is not the one this report was made from (${count}): a different store, or files ingested or digests verified since`,
    expected: root,
    actual: tree.root(),
  });
  return false;
}
