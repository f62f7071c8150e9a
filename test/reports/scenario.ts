// A small hand-made organization for report tests: named copies with known outcomes against a
// known policy, and a heartbeat of ordinary events so the ingested coverage is exactly what a test
// says it is.

import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import type { Store } from '../../queries/store.ts';
import { A1, A2, copySnapshot, createSnapshot, deliver, KEY, kms, share } from '../correlate/fixtures.ts';

export const OUTSIDER = '999988887777';
export const KEY_E1 = KEY('us-east-1', A1, '11111111-1111-4111-8111-111111111111');
export const KEY_W2 = KEY('us-west-2', A1, '22222222-2222-4222-8222-222222222222');
export const KEY_AP = KEY('ap-southeast-2', A1, '33333333-3333-4333-8333-333333333333');
export const KEY_UK = KEY('eu-west-2', A1, '44444444-4444-4444-8444-444444444444');
export const KEY_VAULT = KEY('us-west-2', A2, '55555555-5555-4555-8555-555555555555');

let hb = 0;
/** one ordinary read-only call: proof that this account's trail in this region was read that day */
export function heartbeat(at: string, region: string, account: string) {
  hb++;
  return {
    eventVersion: '1.11',
    eventID: `hb000000-0000-4000-8000-${String(hb).padStart(12, '0')}`,
    eventTime: at,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: region,
    recipientAccountId: account,
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/Monitor/m`,
      accountId: account,
    },
    readOnly: true,
    requestParameters: null,
    responseElements: null,
  };
}

export const POLICY = Config.parse({
  organization: 'Test Org',
  residency: { allowed_partitions: ['aws'], allowed_jurisdictions: ['US', 'EU'], vault_accounts: [A2] },
  dr: {
    requirements: [
      {
        id: 'vol_a_west',
        select: { resource_ids: ['vol-0aaaaaaaaaaaaaaa1'] },
        dr_regions: ['us-west-2'],
        rpo: '24h',
      },
      {
        id: 'vol_b_west',
        select: { resource_ids: ['vol-0bbbbbbbbbbbbbbb1'] },
        dr_regions: ['us-west-2'],
        rpo: '24h',
      },
      {
        id: 'vol_a_nordic',
        select: { resource_ids: ['vol-0aaaaaaaaaaaaaaa1'] },
        dr_regions: ['eu-north-1'],
        rpo: '24h',
      },
      {
        id: 'vol_a_vault',
        select: { resource_ids: ['vol-0aaaaaaaaaaaaaaa1'] },
        dr_accounts: [A2],
        rpo: '24h',
        key: { customer_managed: true, owned_by_dr_account: true },
      },
    ],
  },
  reports: { chromium: process.env.COPYTRAIL_CHROMIUM ?? 'bundled' },
});

/** as-of instant for DR: 2026-03-03T00:00:00Z */
export const UNTIL = '2026-03-03T00:00:00Z';

/**
 * vol A: snapshotted day 1 and day 2; copied to us-west-2 on day 2 (fresh), to ap-southeast-2
 * (outside US/EU), to eu-west-2 (UK, not EU) and shared with an outside account.
 * vol B: snapshotted and copied to us-west-2 on day 1 only (38 h old at the as-of instant).
 */
export async function buildScenario(store: Store, dir: string, extra: unknown[] = []): Promise<void> {
  const records: unknown[] = [
    createSnapshot(
      '2026-03-01T08:00:00Z',
      'us-east-1',
      A1,
      'vol-0aaaaaaaaaaaaaaa1',
      'snap-0aaaaaaaaaaaaaa01',
      KEY_E1,
    ),
    createSnapshot(
      '2026-03-02T08:00:00Z',
      'us-east-1',
      A1,
      'vol-0aaaaaaaaaaaaaaa1',
      'snap-0aaaaaaaaaaaaaa02',
      KEY_E1,
    ),
    createSnapshot(
      '2026-03-01T09:00:00Z',
      'us-east-1',
      A1,
      'vol-0bbbbbbbbbbbbbbb1',
      'snap-0bbbbbbbbbbbbbb01',
      KEY_E1,
    ),
    copySnapshot({
      at: '2026-03-01T10:00:00Z',
      region: 'us-west-2',
      account: A1,
      sourceRegion: 'us-east-1',
      sourceSnap: 'snap-0bbbbbbbbbbbbbb01',
      newSnap: 'snap-0bbbbbbbbbbbbbb11',
      kmsKeyId: KEY_W2,
    }),
    kms({
      at: '2026-03-01T10:00:30Z',
      name: 'GenerateDataKeyWithoutPlaintext',
      region: 'us-west-2',
      recipient: A1,
      key: KEY_W2,
      ctx: { 'aws:ebs:id': 'snap-0bbbbbbbbbbbbbb11' },
    }),
    copySnapshot({
      at: '2026-03-02T09:00:00Z',
      region: 'us-west-2',
      account: A1,
      sourceRegion: 'us-east-1',
      sourceSnap: 'snap-0aaaaaaaaaaaaaa02',
      newSnap: 'snap-0aaaaaaaaaaaaaa12',
      kmsKeyId: KEY_W2,
    }),
    kms({
      at: '2026-03-02T09:00:40Z',
      name: 'GenerateDataKeyWithoutPlaintext',
      region: 'us-west-2',
      recipient: A1,
      key: KEY_W2,
      ctx: { 'aws:ebs:id': 'snap-0aaaaaaaaaaaaaa12' },
    }),
    copySnapshot({
      at: '2026-03-02T11:00:00Z',
      region: 'ap-southeast-2',
      account: A1,
      sourceRegion: 'us-west-2',
      sourceSnap: 'snap-0aaaaaaaaaaaaaa12',
      newSnap: 'snap-0aaaaaaaaaaaaaa13',
      kmsKeyId: KEY_AP,
    }),
    copySnapshot({
      at: '2026-03-02T12:00:00Z',
      region: 'eu-west-2',
      account: A1,
      sourceRegion: 'us-east-1',
      sourceSnap: 'snap-0aaaaaaaaaaaaaa02',
      newSnap: 'snap-0aaaaaaaaaaaaaa14',
      kmsKeyId: KEY_UK,
    }),
    share('2026-03-02T13:00:00Z', 'us-east-1', A1, 'snap-0aaaaaaaaaaaaaa02', OUTSIDER),
    ...extra,
  ];
  // both accounts' trails were read in us-east-1 and us-west-2 on every day; nothing else was
  for (const day of ['2026-03-01', '2026-03-02']) {
    for (const account of [A1, A2]) {
      for (const region of ['us-east-1', 'us-west-2', 'ap-southeast-2', 'eu-west-2']) {
        records.push(heartbeat(`${day}T00:30:00Z`, region, account));
      }
    }
  }
  await deliver(store, dir, records);
  await correlate(store);
}
