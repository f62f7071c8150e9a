// ingest lookup against the real SDK clients, mocked at the SDK boundary (nothing local emulates
// CloudTrail): pagination, throttling then success, a failing region, an opt-in region skipped,
// role assumption across accounts and the organization's account list.
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRange } from '../../core/time.ts';
import { ingestLookup, type LookupOptions } from '../../ingest/lookup.ts';
import { count, memoryStore } from '../helpers.ts';

const ct = mockClient(CloudTrailClient);
const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const org = mockClient(OrganizationsClient);

let seq = 0;
function event(name: string, region: string, account: string) {
  seq++;
  const record = {
    eventVersion: '1.11',
    eventID: `20000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    eventTime: '2026-03-02T10:00:05Z',
    eventSource: name === 'CopySnapshot' ? 'ec2.amazonaws.com' : 'kms.amazonaws.com',
    eventName: name,
    awsRegion: region,
    recipientAccountId: account,
    userIdentity: {
      type: 'AssumedRole',
      accountId: account,
      arn: `arn:aws:sts::${account}:assumed-role/Dr/op`,
    },
    requestParameters:
      name === 'CopySnapshot'
        ? { sourceRegion: 'us-east-1', sourceSnapshotId: 'snap-0a1b2c3d4e5f60718' }
        : {},
    responseElements:
      name === 'CopySnapshot' ? { snapshotId: `snap-${String(seq).padStart(17, '0')}` } : null,
  };
  // LookupEvents returns the record as a JSON string plus a few top-level copies of its fields
  return {
    EventId: record.eventID,
    EventName: name,
    EventTime: new Date(record.eventTime),
    CloudTrailEvent: JSON.stringify(record),
  };
}

const REGIONS = [
  { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
  { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
  { RegionName: 'eu-south-2', OptInStatus: 'opted-in' },
  { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
];

const sleeps: number[] = [];
const base = (over: Partial<LookupOptions> = {}): LookupOptions => ({
  range: parseRange('2026-03-01', '2026-03-03'),
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  ...over,
});

function throttle(): Error {
  const e = new Error('Rate exceeded');
  e.name = 'ThrottlingException';
  return e;
}

beforeEach(() => {
  for (const m of [ct, ec2, sts, org]) m.reset();
  sleeps.length = 0;
  ec2.on(DescribeRegionsCommand).resolves({ Regions: REGIONS });
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/auditor' });
  ct.on(LookupEventsCommand).resolves({ Events: [] });
});
afterEach(() => {
  for (const m of [ct, ec2, sts, org]) m.reset();
});

const regionOf = async (getClient: () => CloudTrailClient) => getClient().config.region();

describe('ingest lookup', () => {
  it('pages through results (50 per page, NextToken) in every enabled region, skipping opt-in regions not enabled', async () => {
    ct.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput, getClient) => {
      const region = await regionOf(getClient);
      const name = input.LookupAttributes?.[0]?.AttributeValue;
      if (region !== 'us-east-1' || name !== 'CopySnapshot') return { Events: [] };
      const page = Number(input.NextToken ?? '0');
      const size = page < 2 ? 50 : 7;
      return {
        Events: Array.from({ length: size }, () => event('CopySnapshot', region, '111122223333')),
        NextToken: page < 2 ? String(page + 1) : undefined,
      };
    });
    const store = await memoryStore();
    const r = await ingestLookup(store, base());
    expect(r.eventsNew).toBe(107);
    const calls = ct.commandCalls(LookupEventsCommand);
    expect(calls.every((c) => c.args[0].input.MaxResults === 50)).toBe(true);
    expect(calls.every((c) => (c.args[0].input.LookupAttributes ?? []).length === 1)).toBe(true);
    // 3 enabled regions read, af-south-1 skipped and said so
    expect(r.units.map((u) => [u.region, u.skipped])).toEqual([
      ['af-south-1', 'region not enabled for this account'],
      ['eu-south-2', null],
      ['eu-west-1', null],
      ['us-east-1', null],
    ]);
    expect(
      await count(
        store,
        'ingest_coverage',
        "source = 'lookup' and region = 'af-south-1' and skipped is not null and error is null",
      ),
    ).toBe(1);
    expect(
      await count(
        store,
        'ingest_coverage',
        "source = 'lookup' and region = 'us-east-1' and events = 107 and not truncated",
      ),
    ).toBe(1);
    expect(
      await count(
        store,
        'ingested_files',
        "source = 'lookup' and location like 'lookup://111122223333/us-east-1/CopySnapshot/%'",
      ),
    ).toBe(3);
    // never faster than 2 requests per second per account and region
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(500);
  });

  it('backs off on ThrottlingException and then succeeds', async () => {
    ct.on(LookupEventsCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .callsFake(async (input: LookupEventsCommandInput, getClient) => {
        const region = await regionOf(getClient);
        return input.LookupAttributes?.[0]?.AttributeValue === 'Decrypt' && region === 'eu-west-1'
          ? { Events: [event('Decrypt', region, '111122223333')] }
          : { Events: [] };
      });
    const store = await memoryStore();
    const r = await ingestLookup(store, base({ regions: ['eu-west-1'] }));
    expect(r.throttled).toBe(2);
    expect(r.units[0]!.error).toBeNull();
    expect(r.eventsNew).toBe(1);
    expect(sleeps.slice(0, 3)).toEqual([500, 1000, 2000]);
  });

  it('retries a page after a 503 and a dropped connection, then loads it; a 5xx that never ends is recorded', async () => {
    const unavailable = () =>
      Object.assign(new Error('Service Unavailable'), {
        name: 'ServiceUnavailableException',
        $metadata: { httpStatusCode: 503 },
      });
    const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    ct.on(LookupEventsCommand)
      .rejectsOnce(unavailable())
      .rejectsOnce(reset())
      .callsFake(async (input: LookupEventsCommandInput, getClient) => {
        const region = await regionOf(getClient);
        return input.LookupAttributes?.[0]?.AttributeValue === 'Decrypt' && region === 'eu-west-1'
          ? { Events: [event('Decrypt', region, '111122223333')] }
          : { Events: [] };
      });
    const store = await memoryStore();
    const r = await ingestLookup(store, base({ regions: ['eu-west-1'] }));
    expect(r.units[0]!.error).toBeNull();
    expect(r.eventsNew).toBe(1);
    expect(r.throttled).toBe(0);

    ct.reset();
    ct.on(LookupEventsCommand).rejects(unavailable());
    const broken = await ingestLookup(await memoryStore(), base({ regions: ['eu-west-1'] }));
    expect(broken.units[0]!.error).toMatch(/ServiceUnavailable/);
    // the first call and four retries, then the unit is recorded as failed
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(5);
  });

  it('records a region that errors in coverage and reads the others', async () => {
    ct.on(LookupEventsCommand).callsFake(async (_input, getClient) => {
      const region = await regionOf(getClient);
      if (region === 'eu-west-1') {
        const e = new Error('User is not authorized to perform: cloudtrail:LookupEvents');
        e.name = 'AccessDeniedException';
        throw e;
      }
      return { Events: [event('CreateGrant', region, '111122223333')] };
    });
    const store = await memoryStore();
    const r = await ingestLookup(store, base({ regions: ['us-east-1', 'eu-west-1'] }));
    const failed = r.units.find((u) => u.region === 'eu-west-1')!;
    expect(failed.error).toMatch(/^AccessDeniedException/);
    expect(r.units.find((u) => u.region === 'us-east-1')!.error).toBeNull();
    expect(
      await count(store, 'ingest_coverage', "region = 'eu-west-1' and error like 'AccessDeniedException%'"),
    ).toBe(1);
    expect(await count(store, 'events', "aws_region = 'us-east-1'")).toBeGreaterThan(0);
  });

  it('assumes a role by name in each listed account and keeps their events apart', async () => {
    sts.on(AssumeRoleCommand).callsFake((input) => {
      const account = input.RoleArn.split(':')[4];
      return {
        Credentials: {
          AccessKeyId: `ASIA${account}`,
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date('2030-01-01'),
        },
      };
    });
    ct.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput, getClient) => {
      const creds = await getClient().config.credentials();
      const account = creds.accessKeyId.slice(4);
      const region = await regionOf(getClient);
      return input.LookupAttributes?.[0]?.AttributeValue === 'CopySnapshot' && region === 'us-east-1'
        ? { Events: [event('CopySnapshot', region, account)] }
        : { Events: [] };
    });
    const store = await memoryStore();
    const r = await ingestLookup(
      store,
      base({
        accounts: ['444455556666', '777788889999'],
        roleName: 'CopytrailReader',
        regions: ['us-east-1'],
      }),
    );
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      'arn:aws:iam::444455556666:role/CopytrailReader',
      'arn:aws:iam::777788889999:role/CopytrailReader',
    ]);
    expect(r.eventsNew).toBe(2);
    expect(await count(store, 'events', "recipient_account_id in ('444455556666', '777788889999')")).toBe(2);
    expect(await count(store, 'ingest_coverage', "source = 'lookup' and account_id = '777788889999'")).toBe(
      1,
    );
  });

  it('takes the accounts from Organizations ListAccounts (active ones, every page)', async () => {
    org
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({
        Accounts: [
          { Id: '444455556666', State: 'ACTIVE' },
          { Id: '999999999999', State: 'SUSPENDED' },
        ],
        NextToken: 'p2',
      })
      .on(ListAccountsCommand, { NextToken: 'p2' })
      .resolves({ Accounts: [{ Id: '777788889999', State: 'ACTIVE' }] });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAX',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date('2030-01-01'),
      },
    });
    const store = await memoryStore();
    const r = await ingestLookup(
      store,
      base({ orgAccounts: true, roleName: 'CopytrailReader', regions: ['us-east-1'] }),
    );
    expect([...new Set(r.units.map((u) => u.account))]).toEqual(['444455556666', '777788889999']);
  });

  it('reads everything with --all-management and marks a unit truncated at the page limit', async () => {
    ct.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => ({
      Events: [event('CopySnapshot', 'us-east-1', '111122223333')],
      NextToken: `${Number(input.NextToken ?? 0) + 1}`,
    }));
    const store = await memoryStore();
    const r = await ingestLookup(store, base({ allManagement: true, regions: ['us-east-1'], maxPages: 4 }));
    expect(
      ct.commandCalls(LookupEventsCommand).every((c) => c.args[0].input.LookupAttributes === undefined),
    ).toBe(true);
    expect(r.units[0]).toMatchObject({ pages: 4, truncated: true });
    expect(await count(store, 'ingest_coverage', "source = 'lookup' and truncated")).toBe(1);
  });

  it('rejects a malformed CloudTrailEvent alone and loads the rest of the page', async () => {
    ct.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) =>
      input.LookupAttributes?.[0]?.AttributeValue === 'CopySnapshot'
        ? {
            Events: [
              event('CopySnapshot', 'us-east-1', '1'),
              { EventId: 'x', CloudTrailEvent: '{"eventID": trunc' },
              event('CopySnapshot', 'us-east-1', '1'),
            ],
          }
        : { Events: [] },
    );
    const store = await memoryStore();
    const r = await ingestLookup(store, base({ regions: ['us-east-1'] }));
    expect(r.eventsNew).toBe(2);
    expect(r.recordsRejected).toBe(1);
    expect(
      await count(store, 'rejects', "location like 'lookup://%' and reason like 'malformed JSON line%'"),
    ).toBe(1);
  });
});
