// `copytrail manifest verify DIR`: checks every report manifest in a folder — the Ed25519 signature
// over the manifest's exact bytes, the sha256 and size of every output it lists, the Merkle root of
// its inputs recomputed from the sidecar (and, given a store, from the store's own ledger) — and
// names every problem. It reads only plain files directly in DIR: no symlink, no path that leaves it.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { constants, existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { keyIdOf } from './manifest-key.ts';
import {
  MANIFEST_SUFFIX,
  Manifest,
  ManifestOutput,
  SIGNATURE_SUFFIX,
  safeFileName,
} from './manifest-schema.ts';
import { type InputRow, MerkleBuilder, rowOfLine } from './merkle.ts';

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
const MAX_LINE = 1024 * 1024;

type Opened =
  | { ok: true; handle: FileHandle; size: number }
  | { ok: false; kind: ProblemKind; message: string };

/** Opens a plain file directly in DIR without following a symlink or blocking on a FIFO. */
async function openPlain(dir: string, name: string): Promise<Opened> {
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

async function readAll(handle: FileHandle, limit: number): Promise<Buffer | null> {
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

async function hashFile(handle: FileHandle): Promise<{ sha256: string; bytes: number }> {
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
async function* sidecarRows(handle: FileHandle): AsyncGenerator<InputRow> {
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

/** The report as text: one line per manifest and per problem, then the verdict. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  for (const c of r.manifests) {
    const what = c.report
      ? `${c.report} report${c.generated_at ? ` generated ${c.generated_at}` : ''}`
      : 'manifest';
    lines.push(
      `${c.manifest}: ${what}, ${c.outputs} output(s)${c.inputs ? `, ${c.inputs.count} input file(s)` : ''}`,
    );
    if (c.signer) {
      const how =
        c.signer.trusted === true
          ? 'the key --key requires'
          : c.signer.trusted === false
            ? 'NOT the key --key requires'
            : 'the key embedded in the manifest';
      const eph = c.signer.origin === 'ephemeral' ? ' (a key made for that run only)' : '';
      lines.push(`  signer  ed25519 ${c.signer.key_id}: ${how}${eph}`);
    }
    if (c.inputs) {
      lines.push(
        `  inputs  merkle root ${c.inputs.merkle_root}${c.inputs.store === true ? ' (matches the store)' : ''}`,
      );
    }
    for (const p of c.problems) {
      const detail =
        p.expected !== undefined ? `: expected ${p.expected}, actual ${p.actual ?? '(none)'}` : '';
      lines.push(`  FAIL    ${p.file ?? c.manifest}: ${p.message}${detail}`);
    }
    if (!c.problems.length)
      lines.push('  ok      signature valid, every listed file present with its sha256 and size');
  }
  for (const w of r.warnings) lines.push(`WARNING ${w.file}: ${w.message}`);
  const unchecked = r.manifests.some((c) => c.signer?.trusted === null);
  if (r.ok && unchecked) {
    lines.push(
      'note: the signature was checked with the key embedded in the manifest. That proves nothing changed by ' +
        'accident since signing, not who signed: anyone who edits the files can sign again with a key of their own. ' +
        'Compare the fingerprint above with one you trust, or pass --key <public key PEM or fingerprint>.',
    );
  }
  const n = r.manifests.length;
  lines.push(
    r.ok
      ? `manifest verify: ${n} manifest(s), no problem: untouched since signing${r.required_key ? ' by the required key' : ''}${r.warnings.length ? ` (${r.warnings.length} warning(s))` : ''}`
      : `manifest verify: ${r.problems} problem(s) in ${n} manifest(s): changed after signing, or not signed as required`,
  );
  return lines.join('\n');
}
