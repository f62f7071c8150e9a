// Associated KMS keys (AssociateKmsKeyId / DisassociateKmsKeyId) travel with the snapshot they are
// associated with: correlate keeps them per artifact and on each copy's target, lineage shows them,
// and residency judges every key data carries, each against the policy with its region, as of the
// report's end; a volume made by a copy is a location like a snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { lineage, renderLineage } from '../../correlate/lineage.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { ArtifactRow } from '../../reports/rows.ts';
import { deliver } from '../correlate/fixtures.ts';
import { A1, call, keyArn, kms } from '../correlate/rules/fixture.ts';
import { tempDir } from '../helpers.ts';

const EU_POLICY = Config.parse({
  organization: 'Test Org',
  residency: { allowed_partitions: ['aws'], allowed_jurisdictions: ['EU'] },
  reports: { chromium: process.env.COPYTRAIL_CHROMIUM ?? 'bundled' },
});
const NOW = new Date('2026-04-01T00:00:00Z');

const KEY_W1 = keyArn('eu-west-1', A1, '0a0a0a0a-0000-4000-8000-000000000001');
const KEY_C1 = keyArn('eu-central-1', A1, '0a0a0a0a-0000-4000-8000-000000000002');
const KEY_US = keyArn('us-east-1', A1, '0a0a0a0a-0000-4000-8000-000000000003');
const KEY_AP = keyArn('ap-southeast-2', A1, '0a0a0a0a-0000-4000-8000-000000000004');
const KEY_ID = '0a0a0a0a-0000-4000-8000-000000000005';
const ORIGINAL = 'snap-0a40000000000001';
const COPY = 'snap-0a40000000000002';

const keyCall = (id: string, at: string, name: string, region: string, snapshot: string, key: string) =>
  call({
    id,
    at,
    source: 'ec2.amazonaws.com',
    name,
    region,
    account: A1,
    rp: { snapshotId: snapshot, kmsKeyId: key },
    re: { requestId: `req-${id}`, _return: true },
  });

const records = [
  call({
    id: 'ak-create',
    at: '2026-03-01T08:00:00Z',
    source: 'ec2.amazonaws.com',
    name: 'CreateSnapshot',
    region: 'eu-west-1',
    account: A1,
    rp: { volumeId: 'vol-0a40000000000001' },
    re: { snapshotId: ORIGINAL, volumeId: 'vol-0a40000000000001', encrypted: true, kmsKeyId: KEY_W1 },
  }),
  call({
    id: 'ak-copy',
    at: '2026-03-01T09:00:00Z',
    source: 'ec2.amazonaws.com',
    name: 'CopySnapshot',
    region: 'eu-central-1',
    account: A1,
    rp: { sourceRegion: 'eu-west-1', sourceSnapshotId: ORIGINAL, encrypted: true, kmsKeyId: KEY_C1 },
    re: { snapshotId: COPY },
  }),
  kms({
    id: 'ak-copy-gdk',
    at: '2026-03-01T09:00:02Z',
    name: 'GenerateDataKeyWithoutPlaintext',
    region: 'eu-central-1',
    account: A1,
    key: KEY_C1,
    ctx: { 'aws:ebs:id': COPY },
  }),
  keyCall('ak-assoc-us', '2026-03-01T10:00:00Z', 'AssociateKmsKeyId', 'eu-central-1', COPY, KEY_US),
  keyCall('ak-assoc-w1', '2026-03-01T10:01:00Z', 'AssociateKmsKeyId', 'eu-central-1', COPY, KEY_W1),
  keyCall(
    'ak-assoc-alias',
    '2026-03-01T10:02:00Z',
    'AssociateKmsKeyId',
    'eu-central-1',
    COPY,
    'alias/partner',
  ),
  keyCall('ak-assoc-id', '2026-03-01T10:03:00Z', 'AssociateKmsKeyId', 'eu-central-1', COPY, KEY_ID),
  keyCall('ak-assoc-ap', '2026-03-01T11:00:00Z', 'AssociateKmsKeyId', 'eu-west-1', ORIGINAL, KEY_AP),
  keyCall('ak-drop-ap', '2026-03-02T11:00:00Z', 'DisassociateKmsKeyId', 'eu-west-1', ORIGINAL, KEY_AP),
  {
    ...keyCall('ak-assoc-denied', '2026-03-01T12:00:00Z', 'AssociateKmsKeyId', 'eu-central-1', COPY, KEY_AP),
    errorCode: 'Client.UnauthorizedOperation',
    responseElements: null,
  },
  call({
    id: 'ak-volume-copy',
    at: '2026-03-01T13:00:00Z',
    source: 'ec2.amazonaws.com',
    name: 'CopyVolumes',
    region: 'eu-west-1',
    account: A1,
    rp: { sourceVolumeId: 'vol-0a40000000000001' },
    re: { volumeSet: { items: [{ volumeId: 'vol-0a40000000000009', kmsKeyId: KEY_W1, encrypted: true }] } },
  }),
];

type Finding = { check: string; status: string; resource_arn: string; reason: string; region: string | null };

describe('associated KMS keys', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    await deliver(store, tempDir(), records);
    await correlate(store);
  });
  afterAll(() => store.close());

  const residency = async (until?: string) => {
    const r = await generateReport(store, {
      id: 'residency',
      config: EU_POLICY,
      formats: ['json'],
      out: tempDir(),
      now: NOW,
      until,
    });
    return r.model.findings as Finding[];
  };

  it("a copy carries the keys associated with its target, each as its ARN (a key id in the call's region and account) or as named", async () => {
    const [copy] = (await lineage(store, COPY)).filter((c) => c.copy_id === 'ak-copy');
    expect(copy!.target.key_arn).toBe(KEY_C1);
    expect(copy!.target.associated_key_arns).toEqual(
      [KEY_US, KEY_W1, 'alias/partner', keyArn('eu-central-1', A1, KEY_ID)].sort(),
    );
    const table = renderLineage([copy!], 'table');
    expect(table).toContain(`+${A1}/0a0a0a0a-0000-4000-8000-000000000003`);
    expect(table).toContain('+alias/partner');
    const volume = (await lineage(store, null)).find((c) => c.copy_id === 'ak-volume-copy')!;
    expect(volume.target.associated_key_arns).toEqual([]);
  });

  it('residency fails a key outside the policy naming key, artifact and region; passes one inside; an unresolved alias is unknown', async () => {
    const keys = (await residency()).filter((f) => f.check === 'associated_key');
    const copyArn = `arn:aws:ec2:eu-central-1::snapshot/${COPY}`;
    const us = keys.find((f) => f.resource_arn === KEY_US)!;
    expect(us).toMatchObject({ status: 'fail', region: 'us-east-1' });
    expect(us.reason).toContain(KEY_US);
    expect(us.reason).toContain(copyArn);
    expect(us.reason).toContain('us-east-1');
    expect(keys.find((f) => f.resource_arn === KEY_W1)).toMatchObject({ status: 'pass' });
    expect(keys.find((f) => f.resource_arn === 'alias/partner')).toMatchObject({ status: 'unknown' });
    // the key denied to the copy and the one taken off the original are not carried
    expect(keys.map((f) => f.resource_arn).sort()).toEqual(
      [KEY_US, KEY_W1, 'alias/partner', keyArn('eu-central-1', A1, KEY_ID)].sort(),
    );
  });

  it('judged as of the end of the window: before it was disassociated, the original carried a key in Sydney', async () => {
    const keys = (await residency('2026-03-02T00:00:00Z')).filter((f) => f.check === 'associated_key');
    const ap = keys.find((f) => f.resource_arn === KEY_AP)!;
    expect(ap).toMatchObject({ status: 'fail', region: 'ap-southeast-2' });
    expect(ap.reason).toContain(`arn:aws:ec2:eu-west-1::snapshot/${ORIGINAL}`);
  });

  it('a volume made by a copy is an artifact location residency lists and judges', async () => {
    const artifacts = await store.all('reports/residency/artifacts', ArtifactRow, {
      until: null,
      originals: false,
    });
    expect(artifacts.find((a) => a.artifact_id === 'vol-0a40000000000009')).toMatchObject({
      kind: 'ebs_volume',
      region: 'eu-west-1',
      origin: 'copy',
    });
    const finding = (await residency()).find((f) => f.resource_arn.endsWith('volume/vol-0a40000000000009'))!;
    expect(finding).toMatchObject({ check: 'copy_destination', status: 'pass' });
  });
});
