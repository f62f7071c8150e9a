// Finding what to read in a trail bucket: account and organization folders under AWSLogs/, the
// regions under each, one unit per day folder in range, and each unit's objects. Every page is
// retried like a download (idle watchdog, backoff); a unit that still fails carries its error.

import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT_ID, ORG_ID } from '../core/aws-ids.ts';
import { Interrupted, retryTransient } from './retry.ts';
import { describeError, isTransientS3, S3SourceError } from './s3-errors.ts';
import { type FetchPolicy, type ListedObject, withIdleTimeout } from './s3-fetch.ts';

export interface Unit {
  account: string;
  region: string;
  day: string;
  prefix: string;
  folder: 'CloudTrail' | 'CloudTrail-Digest';
}

export interface UnitListing {
  unit: Unit;
  objects: ListedObject[];
  error: string | null;
}

export interface ListScope {
  bucket: string;
  /** The trail's key prefix, before AWSLogs/ (no slashes at either end needed). */
  prefix?: string;
  orgId?: string;
  accounts?: string[];
  regions?: string[];
  days: string[];
  digests: boolean;
}

const ACCOUNT = ACCOUNT_ID;
const ORG = ORG_ID;

export class Lister {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly policy: FetchPolicy,
    private readonly signal?: AbortSignal,
  ) {}

  private page(prefix: string, delimiter: boolean, token?: string): Promise<ListObjectsV2CommandOutput> {
    return retryTransient(
      () =>
        withIdleTimeout(this.policy.idleTimeoutMs, this.signal, (s) =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: prefix,
              Delimiter: delimiter ? '/' : undefined,
              ContinuationToken: token,
            }),
            { abortSignal: s },
          ),
        ),
      isTransientS3,
      this.policy,
      this.signal,
    );
  }

  /** The child folder names directly under `prefix`. */
  async folders(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.page(prefix, true, token);
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice(prefix.length, -1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Every object under `prefix`, with the size and ETag the download is checked against. */
  async objects(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.page(prefix, false, token);
      for (const o of page.Contents ?? []) {
        if (o.Key && !o.Key.endsWith('/'))
          out.push({ key: o.Key, size: o.Size ?? 0, etag: (o.ETag ?? '').replaceAll('"', '') });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /**
   * The day-folder units of the scope. Folders that cannot be listed come back in `failed`; an
   * unreadable AWSLogs/ (or one with no trail in it) is an error, since nothing could be read.
   */
  async plan(scope: ListScope): Promise<{ units: Unit[]; failed: { prefix: string; error: string }[] }> {
    const base = scope.prefix ? `${scope.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
    const root = `${base}AWSLogs/`;
    let top: string[];
    try {
      top = await this.folders(root);
    } catch (cause) {
      if (cause instanceof Interrupted) throw cause;
      throw new S3SourceError(`cannot list s3://${scope.bucket}/${root}: ${describeError(cause)}`, { cause });
    }
    const accountRoots: { account: string; prefix: string }[] = [];
    const failed: { prefix: string; error: string }[] = [];
    for (const name of top) {
      if (ACCOUNT.test(name) && !scope.orgId) accountRoots.push({ account: name, prefix: `${root}${name}/` });
      if (ORG.test(name) && (!scope.orgId || scope.orgId === name)) {
        try {
          for (const acct of await this.folders(`${root}${name}/`)) {
            if (ACCOUNT.test(acct)) accountRoots.push({ account: acct, prefix: `${root}${name}/${acct}/` });
          }
        } catch (err) {
          if (err instanceof Interrupted) throw err;
          failed.push({ prefix: `${root}${name}/`, error: describeError(err) });
        }
      }
    }
    if (accountRoots.length === 0 && failed.length === 0) {
      throw new S3SourceError(
        `no CloudTrail folders under s3://${scope.bucket}/${root}${scope.orgId ? ` for ${scope.orgId}` : ''}: check --bucket, --prefix and --org-id`,
      );
    }
    const units: Unit[] = [];
    const folders = scope.digests
      ? (['CloudTrail', 'CloudTrail-Digest'] as const)
      : (['CloudTrail'] as const);
    for (const a of accountRoots.filter((x) => !scope.accounts || scope.accounts.includes(x.account))) {
      for (const folder of folders) {
        let regions: string[];
        try {
          regions = await this.folders(`${a.prefix}${folder}/`);
        } catch (err) {
          if (err instanceof Interrupted) throw err;
          failed.push({ prefix: `${a.prefix}${folder}/`, error: describeError(err) });
          continue;
        }
        for (const region of regions) {
          if (scope.regions && !scope.regions.includes(region)) continue;
          for (const day of scope.days) {
            const prefix = `${a.prefix}${folder}/${region}/${day.replaceAll('-', '/')}/`;
            units.push({ account: a.account, region, day, folder, prefix });
          }
        }
      }
    }
    return { units, failed };
  }

  /** Lists one unit; a failure is kept with the unit (Interrupted is thrown). */
  async list(unit: Unit): Promise<UnitListing> {
    try {
      return { unit, objects: await this.objects(unit.prefix), error: null };
    } catch (err) {
      if (err instanceof Interrupted || this.signal?.aborted) throw new Interrupted('interrupted');
      return { unit, objects: [], error: describeError(err) };
    }
  }
}
