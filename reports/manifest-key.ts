// The Ed25519 key that signs report manifests: a PEM file named by COPYTRAIL_SIGNING_KEY or the
// config's reports.signing_key, else one generated once per user (0600, in a 0700 folder) and
// reused, else, where no folder is writable (a Lambda's read-only home), a key for this process only.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/cli-kit.ts';

/** A key that is named (or kept) but cannot be used: an input error, so a command exits 2. */
export class SigningKeyError extends UsageError {
  override name = 'SigningKeyError';
}

/** Where the key came from: a verifier reads `ephemeral` as "no key outlives this report". */
export type KeyOrigin = 'env' | 'config' | 'local' | 'ephemeral';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** hex sha256 of the public key's SPKI DER encoding */
  keyId: string;
  /** base64 SPKI DER */
  publicKeyB64: string;
  origin: KeyOrigin;
  /** the PEM file, when the key lives in one */
  path: string | null;
  /** something the user should hear (a key for this process only, loose permissions) */
  warning: string | null;
}

export const KEY_FILE = 'signing-key.pem';

/** The per-user folder: $COPYTRAIL_HOME, else $XDG_CONFIG_HOME/copytrail, else ~/.config/copytrail. */
export function keyHome(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.COPYTRAIL_HOME) return env.COPYTRAIL_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'copytrail');
  let home: string;
  try {
    home = env.HOME ?? homedir();
  } catch {
    return null;
  }
  return home ? join(home, '.config', 'copytrail') : null;
}

export function spkiDer(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' });
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(spkiDer(publicKey)).digest('hex');
}

function described(privateKey: KeyObject, origin: KeyOrigin, path: string | null, warning: string | null) {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    publicKeyB64: spkiDer(publicKey).toString('base64'),
    origin,
    path,
    warning,
  } satisfies SigningKey;
}

/** Reads a PEM PKCS#8 Ed25519 private key; anything else fails naming the file and why. */
export function readPrivateKey(path: string, what: string): KeyObject {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (cause) {
    throw new SigningKeyError(`${what} ${path}: cannot read it (${(cause as Error).message})`, { cause });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new SigningKeyError(
      `${what} ${path}: not an unencrypted PEM private key (${(cause as Error).message})`,
      { cause },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      `${what} ${path}: a ${key.asymmetricKeyType} key; manifests are signed with Ed25519`,
    );
  }
  return key;
}

function looseModeWarning(path: string): string | null {
  if (process.platform === 'win32') return null;
  const mode = statSync(path).mode & 0o777;
  return mode & 0o077
    ? `signing key ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 ${path}`
    : null;
}

/** The per-user key: read when it exists, else generated and stored so that later reports reuse it. */
function localKey(dir: string): SigningKey {
  const path = join(dir, KEY_FILE);
  try {
    return described(readPrivateKey(path, 'signing key'), 'local', path, looseModeWarning(path));
  } catch (err) {
    // absent, or its folder is not one: make it below (or fall back); an unreadable key is an error
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  // written whole under a private name, then linked into place: a report running at the same time
  // either wins or finds the key the other one wrote, never half a file
  const tmp = join(dir, `.${KEY_FILE}.${process.pid}.partial`);
  writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(tmp, 0o600);
    linkSync(tmp, path);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    return described(readPrivateKey(path, 'signing key'), 'local', path, looseModeWarning(path));
  } finally {
    unlinkSync(tmp);
  }
  return described(privateKey, 'local', path, null);
}

/**
 * The key a report is signed with. A key that is named (env or config) and cannot be read is an
 * error, never a silent fallback; only the per-user key falls back to one for this process.
 */
export function resolveSigningKey(
  configured: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): SigningKey {
  if (env.COPYTRAIL_SIGNING_KEY) {
    const path = env.COPYTRAIL_SIGNING_KEY;
    return described(readPrivateKey(path, 'COPYTRAIL_SIGNING_KEY'), 'env', path, looseModeWarning(path));
  }
  if (configured) {
    return described(
      readPrivateKey(configured, 'reports.signing_key'),
      'config',
      configured,
      looseModeWarning(configured),
    );
  }
  const dir = keyHome(env);
  let reason = 'no home folder';
  if (dir) {
    try {
      return localKey(dir);
    } catch (err) {
      if (err instanceof SigningKeyError) throw err;
      reason = `${dir}: ${(err as Error).message}`;
    }
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  return described(
    privateKey,
    'ephemeral',
    null,
    `no signing key could be stored (${reason}): this report is signed with a key made for this run only; ` +
      'set COPYTRAIL_SIGNING_KEY or reports.signing_key to a PEM Ed25519 key to sign with one you can trust',
  );
}
