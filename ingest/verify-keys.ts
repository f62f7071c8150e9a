// The public keys verify trusts, and for which digests: CloudTrail signs each Region's digests with
// that Region's key, so keys from ListPublicKeys are trusted only in the Region that returned them
// and only inside their validity window. Keys from a file are the user's own statement of trust.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { z } from 'zod';
import { isoSeconds } from '../core/time.ts';

export class VerifyError extends Error {
  override name = 'VerifyError';
}

export interface TrustedKey {
  /** lower-case hex, as digests name their key (digestPublicKeyFingerprint) */
  fingerprint: string;
  key: KeyObject;
  /** ms; null = no bound on that side */
  validFrom: number | null;
  validTo: number | null;
  /** PEM keys are trusted by their material: tried even when a digest names another fingerprint */
  pem: boolean;
  origin: string;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

function derKey(value: Uint8Array, where: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(value), format: 'der', type: 'pkcs1' });
  } catch (cause) {
    throw new VerifyError(`${where}: not a DER (PKCS#1) RSA public key`, { cause });
  }
}

// `aws cloudtrail list-public-keys` prints times as ISO text, or epoch seconds with other settings
const Time = z.union([z.string(), z.number()]).nullish();
const SavedKeys = z.object({
  PublicKeyList: z.array(
    z.object({
      Value: z.string(),
      Fingerprint: z.string(),
      ValidityStartTime: Time,
      ValidityEndTime: Time,
    }),
  ),
});

function savedTime(v: string | number | null | undefined, where: string): number | null {
  if (v === null || v === undefined) return null;
  const t = typeof v === 'number' ? v * 1000 : Date.parse(v);
  if (!Number.isFinite(t)) throw new VerifyError(`${where}: '${v}' is not a time`);
  return t;
}

/**
 * Keys from a PEM file (trusted for any time and Region) or a saved ListPublicKeys answer (trusted
 * inside the validity times it states, in any Region: the user chose to trust that file).
 */
export function loadPublicKeys(file: string): TrustedKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VerifyError(`cannot read public keys from ${file}`, { cause });
  }
  const keys: TrustedKey[] = [];
  if (text.trimStart().startsWith('{')) {
    let parsed: z.infer<typeof SavedKeys>;
    try {
      parsed = SavedKeys.parse(JSON.parse(text));
    } catch (cause) {
      throw new VerifyError(`${file}: not a saved ListPublicKeys answer ({"PublicKeyList": [...]})`, {
        cause,
      });
    }
    parsed.PublicKeyList.forEach((k, i) => {
      const where = `${file}: PublicKeyList[${i}]`;
      keys.push({
        fingerprint: k.Fingerprint.toLowerCase(),
        key: derKey(Buffer.from(k.Value, 'base64'), where),
        validFrom: savedTime(k.ValidityStartTime, `${where}.ValidityStartTime`),
        validTo: savedTime(k.ValidityEndTime, `${where}.ValidityEndTime`),
        pem: false,
        origin: file,
      });
    });
  } else {
    for (const m of text.matchAll(
      /-----BEGIN (RSA )?PUBLIC KEY-----[\s\S]+?-----END (RSA )?PUBLIC KEY-----/g,
    )) {
      let key: KeyObject;
      try {
        key = createPublicKey(m[0]);
      } catch (cause) {
        throw new VerifyError(`${file}: a PEM block is not a public key`, { cause });
      }
      keys.push({
        fingerprint: md5(key.export({ type: 'pkcs1', format: 'der' })),
        key,
        validFrom: null,
        validTo: null,
        pem: true,
        origin: file,
      });
    }
  }
  if (keys.length === 0)
    throw new VerifyError(`${file}: no public keys found (expected PEM or a saved ListPublicKeys answer)`);
  return keys;
}

/** ListPublicKeys in the client's Region over [start, end], with each key's validity window. */
export async function fetchPublicKeys(
  client: CloudTrailClient,
  start: Date,
  end: Date,
): Promise<TrustedKey[]> {
  const region = await client.config.region();
  const keys: TrustedKey[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token }),
    );
    for (const k of page.PublicKeyList ?? []) {
      if (!k.Value || !k.Fingerprint) continue;
      keys.push({
        fingerprint: k.Fingerprint.toLowerCase(),
        key: derKey(k.Value, `ListPublicKeys in ${region}: key ${k.Fingerprint}`),
        validFrom: k.ValidityStartTime ? k.ValidityStartTime.getTime() : null,
        validTo: k.ValidityEndTime ? k.ValidityEndTime.getTime() : null,
        pem: false,
        origin: `ListPublicKeys in ${region}`,
      });
    }
    token = page.NextToken;
  } while (token);
  return keys;
}

export type KeyLookup = { keys: TrustedKey[]; problem: null } | { keys: TrustedKey[]; problem: string };

/** Trusted keys: from files (any Region), from ListPublicKeys (per Region), and Regions whose call failed. */
export class KeyRing {
  constructor(
    private readonly fromFiles: TrustedKey[],
    private readonly byRegion = new Map<string, TrustedKey[]>(),
    private readonly regionErrors = new Map<string, string>(),
  ) {}

  /**
   * The keys that may have signed a digest of `region` ending at `at` under `fingerprint`. A key whose
   * window excludes `at` is not offered; PEM keys are offered when no key carries that fingerprint.
   */
  lookup(fingerprint: string | null, region: string, at: number | null): KeyLookup {
    const pool = [...this.fromFiles, ...(this.byRegion.get(region) ?? [])];
    const fp = fingerprint?.toLowerCase() ?? null;
    const named = fp ? pool.filter((k) => k.fingerprint === fp) : [];
    const inWindow = named.filter(
      (k) =>
        at !== null && (k.validFrom === null || k.validFrom <= at) && (k.validTo === null || at <= k.validTo),
    );
    if (inWindow.length > 0) return { keys: inWindow, problem: null };
    const pem = this.fromFiles.filter((k) => k.pem);
    if (named.length > 0) {
      const k = named[0]!;
      const window = `${k.validFrom === null ? '…' : isoSeconds(k.validFrom)} to ${k.validTo === null ? '…' : isoSeconds(k.validTo)}`;
      return {
        keys: pem,
        problem: `key ${fp} is not valid at ${at === null ? 'an unreadable digestEndTime' : isoSeconds(at)} (${k.origin}: valid ${window})`,
      };
    }
    const failed = this.regionErrors.get(region);
    const why = failed
      ? `ListPublicKeys in ${region} failed: ${failed}`
      : `not among the trusted keys (${this.describe(region)})`;
    return { keys: pem, problem: `key ${fp ?? '(none named)'} is unknown: ${why}` };
  }

  private describe(region: string): string {
    const parts: string[] = [];
    if (this.fromFiles.length) parts.push(`${this.fromFiles.length} from --public-keys`);
    if (this.byRegion.has(region))
      parts.push(`${this.byRegion.get(region)!.length} from ListPublicKeys in ${region}`);
    return parts.length ? parts.join(', ') : 'none';
  }
}
