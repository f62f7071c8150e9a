// Finding what to read in a trail bucket: account and organization folders under AWSLogs/, the
// regions under each, one unit per day folder in range, and each unit's objects. Every page is
// retried like a download (idle watchdog, backoff); a unit that still fails carries its error.

import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT_ID, ORG_ID } from '../core/aws-ids.ts';
import { mapPool } from './pool.ts';
import { Interrupted, retryTransient } from './retry.ts';
import { describeError, isTransientS3, S3SourceError } from './s3-errors.ts';
import { type FetchPolicy, type ListedObject, withIdleTimeout } from './s3-fetch.ts';

export interface Unit {
  account: string;
  region: string;
  day: string;
  prefix: string;
  folder: 'CloudTrail' | 'CloudTrail-Digest';
  /** Its month's listing holds no such day folder: known empty without listing it. */
  absent?: boolean;
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
   *
   * When the range has more days than months, each region's month folders are listed first (one
   * request a month, with the delimiter) and only the day folders that exist are listed in full; a
   * day in range that its month does not hold is a unit known to be empty, so its coverage still
   * says "listed, no files". A month that cannot be listed falls back to listing its days one by one.
   */
  async plan(
    scope: ListScope,
    concurrency = 16,
  ): Promise<{ units: Unit[]; failed: { prefix: string; error: string }[] }> {
    const base = scope.prefix ? `${scope.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
    const root = `${base}AWSLogs/`;
    let top: string[];
    try {
      top = await this.folders(root);
    } catch (cause) {
      if (cause instanceof Interrupted) throw cause;
      throw new S3SourceError(`cannot list s3://${scope.bucket}/${root}: ${describeError(cause)}`, { cause });
    }
    const failed: { prefix: string; error: string }[] = [];
    /** The child folders of `prefix`, or null (and the prefix in `failed`) when it cannot be listed. */
    const foldersOrFail = async (prefix: string): Promise<string[] | null> => {
      try {
        return await this.folders(prefix);
      } catch (err) {
        if (err instanceof Interrupted) throw err;
        failed.push({ prefix, error: describeError(err) });
        return null;
      }
    };
    const accountRoots: { account: string; prefix: string }[] = [];
    const orgs = top.filter((name) => ORG.test(name) && (!scope.orgId || scope.orgId === name));
    for (const name of top) {
      if (ACCOUNT.test(name) && !scope.orgId) accountRoots.push({ account: name, prefix: `${root}${name}/` });
    }
    const orgAccounts = await mapPool(orgs, concurrency, (org) => foldersOrFail(`${root}${org}/`));
    orgs.forEach((org, i) => {
      for (const acct of orgAccounts[i] ?? []) {
        if (ACCOUNT.test(acct)) accountRoots.push({ account: acct, prefix: `${root}${org}/${acct}/` });
      }
    });
    if (accountRoots.length === 0 && failed.length === 0) {
      throw new S3SourceError(
        `no CloudTrail folders under s3://${scope.bucket}/${root}${scope.orgId ? ` for ${scope.orgId}` : ''}: check --bucket, --prefix and --org-id`,
      );
    }
    const kinds = scope.digests ? (['CloudTrail', 'CloudTrail-Digest'] as const) : (['CloudTrail'] as const);
    const trees = accountRoots
      .filter((x) => !scope.accounts || scope.accounts.includes(x.account))
      .flatMap((a) => kinds.map((folder) => ({ ...a, folder })));
    const regionLists = await mapPool(trees, concurrency, (t) => foldersOrFail(`${t.prefix}${t.folder}/`));
    const months = daysByMonth(scope.days);
    const discover = scope.days.length > months.length;
    const regionMonths = trees.flatMap((t, i) =>
      (regionLists[i] ?? [])
        .filter((region) => !scope.regions || scope.regions.includes(region))
        .flatMap((region) => months.map((m) => ({ ...t, region, ...m }))),
    );
    const perMonth = await mapPool(regionMonths, concurrency, async (rm) => {
      const regionPrefix = `${rm.prefix}${rm.folder}/${rm.region}/`;
      // without discovery, or when the month cannot be listed, every day of it is listed
      let present: Set<string> | null = null;
      if (discover) {
        try {
          present = new Set(await this.folders(`${regionPrefix}${rm.month}/`));
        } catch (err) {
          if (err instanceof Interrupted) throw err;
        }
      }
      return rm.days.map(
        (day): Unit => ({
          account: rm.account,
          region: rm.region,
          day,
          folder: rm.folder,
          prefix: `${regionPrefix}${day.replaceAll('-', '/')}/`,
          ...(present && !present.has(day.slice(8, 10)) ? { absent: true } : {}),
        }),
      );
    });
    return { units: perMonth.flat(), failed };
  }

  /** Lists one unit; a failure is kept with the unit (Interrupted is thrown). */
  async list(unit: Unit): Promise<UnitListing> {
    if (unit.absent) return { unit, objects: [], error: null };
    try {
      return { unit, objects: await this.objects(unit.prefix), error: null };
    } catch (err) {
      if (err instanceof Interrupted || this.signal?.aborted) throw new Interrupted('interrupted');
      return { unit, objects: [], error: describeError(err) };
    }
  }
}

/** The days (YYYY-MM-DD) grouped by month folder (YYYY/MM), in order. */
function daysByMonth(days: string[]): { month: string; days: string[] }[] {
  const out: { month: string; days: string[] }[] = [];
  for (const day of days) {
    const month = `${day.slice(0, 4)}/${day.slice(5, 7)}`;
    const last = out.at(-1);
    if (last?.month === month) last.days.push(day);
    else out.push({ month, days: [day] });
  }
  return out;
}
