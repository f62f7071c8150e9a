// `ingest lookup`: CloudTrail Event history (LookupEvents) in every enabled region of every account.
// Pages go through the same loader as files. LookupEvents allows 2 requests per second per account
// and region: each unit keeps to that and backs off further on ThrottlingException.
import {
  CloudTrailClient,
  type LookupAttribute,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { LINEAGE_EVENT_NAMES } from '../core/events.ts';
import { type Progress, silentProgress } from '../core/progress.ts';
import type { TimeRange } from '../core/time.ts';
import type { Store } from '../queries/store.ts';
import { apiClientOptions } from './api-client.ts';
import { BatchLoader, type IngestSummary } from './loader.ts';
import { mapPool } from './pool.ts';
import { fullJitter, isThrottle, isTransient, realSleep } from './retry.ts';

export class LookupError extends Error {
  override name = 'LookupError';
}

export interface LookupOptions {
  /** Region names, or undefined for every region enabled in each account. */
  regions?: string[];
  /** Account ids to assume `roleName` in; undefined reads only the caller's own account. */
  accounts?: string[];
  /** Take the account list from Organizations ListAccounts (active accounts). */
  orgAccounts?: boolean;
  roleName?: string;
  range: TimeRange;
  allManagement?: boolean;
  /** Stop a unit after this many pages and mark it truncated. */
  maxPages?: number;
  /** Per account x region request interval in ms; LookupEvents allows 2 per second. */
  minIntervalMs?: number;
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface LookupUnitResult {
  account: string;
  region: string;
  pages: number;
  events: number;
  truncated: boolean;
  error: string | null;
  skipped: string | null;
}

export interface LookupResult extends IngestSummary {
  units: LookupUnitResult[];
  throttled: number;
}

/** A unit that has read nothing yet; `over` says why it ends that way, if it does. */
function emptyUnit(account: string, region: string, over: Partial<LookupUnitResult> = {}): LookupUnitResult {
  return { account, region, pages: 0, events: 0, truncated: false, error: null, skipped: null, ...over };
}

function errorText(err: unknown): string {
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  return `${e.name}: ${e.message}`;
}

/** Tries of one page after a 5xx, timeout or dropped connection, beyond the SDK's own. */
const MAX_TRANSIENT_RETRIES = 4;

interface AccountCtx {
  account: string;
  /** Temporary credentials from AssumeRole; absent for the caller's own account (default chain). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
}

async function accountsToRead(opts: LookupOptions): Promise<AccountCtx[]> {
  const sts = new STSClient(apiClientOptions());
  try {
    let ids = opts.accounts;
    if (opts.orgAccounts) {
      const org = new OrganizationsClient({ region: 'us-east-1', ...apiClientOptions() });
      ids = [];
      let token: string | undefined;
      try {
        do {
          const page = await org.send(new ListAccountsCommand({ NextToken: token }));
          for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status) === 'ACTIVE') ids.push(a.Id);
          token = page.NextToken;
        } while (token);
      } catch (cause) {
        throw new LookupError(`cannot list the organization's accounts: ${errorText(cause)}`, { cause });
      } finally {
        org.destroy();
      }
    }
    if (!ids) {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      return [{ account: me.Account ?? 'unknown' }];
    }
    if (!opts.roleName) throw new LookupError('--role-name is needed to read other accounts');
    const out: AccountCtx[] = [];
    for (const account of ids) {
      const res = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${account}:role/${opts.roleName}`,
          RoleSessionName: 'copytrail-lookup',
          DurationSeconds: 3600,
        }),
      );
      const c = res.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new LookupError(`AssumeRole into ${account} returned no credentials`);
      out.push({
        account,
        credentials: {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        },
      });
    }
    return out;
  } finally {
    sts.destroy();
  }
}

/** Regions enabled for the account; opt-in regions it has not enabled are returned as skipped. */
async function regionsOf(
  ctx: AccountCtx,
  wanted?: string[],
): Promise<{ enabled: string[]; skipped: string[] }> {
  const ec2 = new EC2Client({ region: 'us-east-1', credentials: ctx.credentials, ...apiClientOptions() });
  try {
    const res = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    const enabled: string[] = [];
    const skipped: string[] = [];
    for (const r of res.Regions ?? []) {
      if (!r.RegionName || (wanted && !wanted.includes(r.RegionName))) continue;
      (r.OptInStatus === 'not-opted-in' ? skipped : enabled).push(r.RegionName);
    }
    for (const w of wanted ?? []) if (!enabled.includes(w) && !skipped.includes(w)) skipped.push(w);
    return { enabled: enabled.sort(), skipped: skipped.sort() };
  } finally {
    ec2.destroy();
  }
}

export async function ingestLookup(
  store: Store,
  opts: LookupOptions,
  progress: Progress = silentProgress,
): Promise<LookupResult> {
  const sleep = opts.sleep ?? realSleep;
  const baseInterval = opts.minIntervalMs ?? 500;
  const maxPages = opts.maxPages ?? 10_000;
  const accounts = await accountsToRead(opts);
  const loader = await BatchLoader.create(store, { source: 'lookup', eventCoverage: false });
  const units: LookupUnitResult[] = [];
  let throttled = 0;
  const since = opts.range.since.toISOString();
  const until = opts.range.until.toISOString();
  const lookups: (LookupAttribute | null)[] = opts.allManagement
    ? [null]
    : LINEAGE_EVENT_NAMES.map((name) => ({ AttributeKey: 'EventName', AttributeValue: name }));

  const plan: { ctx: AccountCtx; region: string }[] = [];
  for (const ctx of accounts) {
    let regions: { enabled: string[]; skipped: string[] };
    try {
      regions = await regionsOf(ctx, opts.regions);
    } catch (err) {
      units.push(emptyUnit(ctx.account, 'all', { error: `region discovery failed: ${errorText(err)}` }));
      continue;
    }
    for (const region of regions.skipped) {
      units.push(emptyUnit(ctx.account, region, { skipped: 'region not enabled for this account' }));
    }
    for (const region of regions.enabled) plan.push({ ctx, region });
  }
  progress.start(plan.length, 'account-regions');

  // pages are fetched concurrently per region but handed to the loader one at a time
  let loading: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    loading = loading.then(work);
    return loading;
  };

  try {
    await mapPool(plan, opts.concurrency ?? 8, async ({ ctx, region }) => {
      const client = new CloudTrailClient({
        region,
        credentials: ctx.credentials,
        ...apiClientOptions(),
        maxAttempts: 1,
      });
      const unit = emptyUnit(ctx.account, region);
      let interval = baseInterval;
      let failures = 0;
      try {
        for (const attr of lookups) {
          let token: string | undefined;
          let page = 0;
          do {
            if (opts.signal?.aborted) {
              unit.truncated = true;
              break;
            }
            if (unit.pages >= maxPages) {
              unit.truncated = true;
              break;
            }
            await sleep(interval);
            let res: LookupEventsCommandOutput;
            try {
              res = await client.send(
                new LookupEventsCommand({
                  LookupAttributes: attr ? [attr] : undefined,
                  StartTime: opts.range.since,
                  EndTime: opts.range.until,
                  MaxResults: 50,
                  NextToken: token,
                }),
              );
              interval = Math.max(baseInterval, Math.floor(interval * 0.8));
              failures = 0;
            } catch (err) {
              if (isThrottle(err) && interval < 16_000) {
                throttled++;
                interval *= 2; // adaptive: slow down and retry the same page
                continue;
              }
              // a 5xx, a timeout or a dropped connection: the same page again, after a jittered wait
              if (isTransient(err) && failures < MAX_TRANSIENT_RETRIES) {
                failures++;
                await sleep(
                  fullJitter(failures, {
                    attempts: MAX_TRANSIENT_RETRIES,
                    backoffBaseMs: 1_000,
                    backoffMaxMs: 16_000,
                  }),
                );
                continue;
              }
              throw err;
            }
            unit.pages++;
            page++;
            const lines = (res.Events ?? [])
              .map((e) => (e.CloudTrailEvent ?? '').replace(/[\r\n]+/g, ' '))
              .filter(Boolean);
            unit.events += lines.length;
            if (lines.length > 0) {
              const location = `lookup://${ctx.account}/${region}/${attr?.AttributeValue ?? 'all'}/${since}/${until}/page-${page}`;
              const body = Buffer.from(lines.join('\n'));
              await enqueue(() => loader.add({ location, size: body.length, read: async () => body }));
            }
            token = res.NextToken;
          } while (token);
          if (unit.truncated) break;
        }
      } catch (err) {
        unit.error = errorText(err);
      } finally {
        client.destroy();
        units.push(unit);
        progress.tick();
      }
    });
    await loading;
    const summary = await loader.finish();
    for (const u of units) {
      await store.run('ingest/upsert_lookup_coverage', {
        account: u.account,
        region: u.region,
        since,
        until,
        pages: u.pages,
        events: u.events,
        truncated: u.truncated,
        error: u.error,
        skipped: u.skipped,
      });
    }
    units.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
    return { ...summary, units, throttled };
  } catch (err) {
    loader.abort();
    throw err;
  } finally {
    progress.stop();
  }
}
