// The reports on service copies: DR coverage counts an active replication for the resource it
// replicates and drops it once switched off, never counts an export or a Recycle Bin restore;
// residency judges each new destination by its region's jurisdiction; forensics flags copy-outs and
// moved key material.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { createSnapshot, KEY } from '../correlate/fixtures.ts';
import { A1, call } from '../correlate/rules/fixture.ts';
import { tempDir } from '../helpers.ts';
import { buildScenario, POLICY, UNTIL } from './scenario.ts';

const NOW = new Date('2026-04-01T12:00:00Z');
const FS_ON = 'fs-0aaaa1111aaaa1111';
const FS_OFF = 'fs-0bbbb2222bbbb2222';
const RESTORED = 'snap-0ddddddddddddddd1';
const VOL_R = 'vol-0ddddddddddddddd1';

const replicate = (id: string, at: string, fs: string) =>
  call({
    id,
    at,
    source: 'elasticfilesystem.amazonaws.com',
    name: 'CreateReplicationConfiguration',
    region: 'us-east-1',
    account: A1,
    rp: { sourceFileSystemId: fs, destinations: [{ region: 'us-west-2' }] },
    re: { sourceFileSystemId: fs, destinations: [{ fileSystemId: `${fs}-dr`, region: 'us-west-2' }] },
  });

const FSX_FS = 'fs-0eeee3333eeee3333';

const extra = [
  call({
    id: 'fsx-backup',
    at: '2026-03-02T02:00:00Z',
    source: 'fsx.amazonaws.com',
    name: 'CreateBackup',
    region: 'us-east-1',
    account: A1,
    rp: { fileSystemId: FSX_FS },
    re: { backup: { backupId: 'backup-0aaaaaaaaaaaaaaa1', lifecycle: 'CREATING', type: 'USER_INITIATED' } },
  }),
  call({
    id: 'fsx-copy',
    at: '2026-03-02T03:00:00Z',
    source: 'fsx.amazonaws.com',
    name: 'CopyBackup',
    region: 'us-west-2',
    account: A1,
    rp: { sourceBackupId: 'backup-0aaaaaaaaaaaaaaa1', sourceRegion: 'us-east-1' },
    re: { backup: { backupId: 'backup-0bbbbbbbbbbbbbbb2', lifecycle: 'PENDING' } },
  }),
  replicate('efs-on', '2026-03-01T09:00:00Z', FS_ON),
  replicate('efs-off', '2026-03-01T09:00:00Z', FS_OFF),
  call({
    id: 'efs-off-delete',
    at: '2026-03-02T09:00:00Z',
    source: 'elasticfilesystem.amazonaws.com',
    name: 'DeleteReplicationConfiguration',
    region: 'us-east-1',
    account: A1,
    rp: { sourceFileSystemId: FS_OFF },
  }),
  call({
    id: 'ddb-replica',
    at: '2026-03-02T10:00:00Z',
    source: 'dynamodb.amazonaws.com',
    name: 'UpdateTable',
    region: 'us-east-1',
    account: A1,
    rp: { tableName: 'orders', replicaUpdates: [{ create: { regionName: 'ap-southeast-2' } }] },
  }),
  call({
    id: 'rds-export',
    at: '2026-03-02T11:00:00Z',
    source: 'rds.amazonaws.com',
    name: 'StartExportTask',
    region: 'us-east-1',
    account: A1,
    rp: {
      exportTaskIdentifier: 'x',
      sourceArn: `arn:aws:rds:us-east-1:${A1}:snapshot:orders-1`,
      s3BucketName: '<b>landing</b>',
    },
  }),
  call({
    id: 'hsm-copy',
    at: '2026-03-02T12:00:00Z',
    source: 'cloudhsm.amazonaws.com',
    name: 'CopyBackupToRegion',
    region: 'us-east-1',
    account: A1,
    rp: { backupId: 'backup-abcdefghijk', destinationRegion: 'us-west-2' },
  }),
  createSnapshot('2026-03-02T06:00:00Z', 'us-east-1', A1, VOL_R, RESTORED, KEY('us-east-1', A1, 'k')),
  call({
    id: 'rb-restore',
    at: '2026-03-02T08:00:00Z',
    source: 'ec2.amazonaws.com',
    name: 'RestoreSnapshotFromRecycleBin',
    region: 'us-east-1',
    account: A1,
    rp: { snapshotId: RESTORED },
  }),
];

const config = Config.parse({
  ...POLICY,
  dr: {
    requirements: [
      { id: 'efs_on_west', select: { resource_ids: [FS_ON] }, dr_regions: ['us-west-2'], rpo: '24h' },
      { id: 'efs_off_west', select: { resource_ids: [FS_OFF] }, dr_regions: ['us-west-2'], rpo: '24h' },
      { id: 'efs_kind', select: { kinds: ['efs'] }, dr_regions: ['us-west-2'], rpo: '24h' },
      { id: 'restored_in_account', select: { resource_ids: [VOL_R] }, dr_accounts: [A1], rpo: '24h' },
      { id: 'fsx_west', select: { kinds: ['fsx'] }, dr_regions: ['us-west-2'], rpo: '48h' },
    ],
  },
});

type Row = {
  requirement: string;
  resource_id: string;
  status: string;
  reason: string;
  copy_id: string | null;
};
type Finding = { status: string; resource_arn: string; reason: string; check: string };

describe('reports on service copies', () => {
  let store: Store;
  let out: string;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    out = tempDir();
    await buildScenario(store, tempDir(), extra);
  });
  afterAll(() => store.close());

  const report = (id: 'dr_coverage' | 'residency' | 'forensics', subject: string | null = null) =>
    generateReport(store, { id, config, formats: ['json'], out, until: UNTIL, now: NOW, subject });

  it('dr_coverage: an active replication covers its file system; one switched off covers nothing', async () => {
    const rows = (await report('dr_coverage')).model.rows as Row[];
    const on = rows.find((r) => r.requirement === 'efs_on_west')!;
    expect(on).toMatchObject({ resource_id: FS_ON, status: 'pass' });
    expect(on.reason).toContain('replication active since 2026-03-01T09:00:00Z');
    const off = rows.find((r) => r.requirement === 'efs_off_west')!;
    expect(off).toMatchObject({ resource_id: FS_OFF, status: 'fail' });
    expect(off.reason).toContain('no copy in us-west-2');
    // the family selector finds both file systems as resources
    expect(
      rows
        .filter((r) => r.requirement === 'efs_kind')
        .map((r) => r.resource_id)
        .sort(),
    ).toEqual([FS_ON, FS_OFF]);
  });

  it('dr_coverage: an FSx file system is a resource through its backups, covered by a backup copied to the DR region', async () => {
    const rows = (await report('dr_coverage')).model.rows as Row[];
    const fsx = rows.filter((r) => r.requirement === 'fsx_west');
    expect(fsx).toHaveLength(1);
    // the copy is found for the file system; with no KMS evidence its key is not known, so the
    // requirement is not proven either way
    expect(fsx[0]).toMatchObject({ resource_id: FSX_FS, copy_id: 'fsx-copy', status: 'unknown' });
  });

  it('dr_coverage: a Recycle Bin restore in the same account is no DR copy', async () => {
    const rows = (await report('dr_coverage')).model.rows as Row[];
    const restored = rows.find((r) => r.requirement === 'restored_in_account')!;
    expect(restored).toMatchObject({ resource_id: VOL_R, status: 'fail' });
  });

  it('residency: a replica in ap-southeast-2 is outside US+EU, named with its jurisdiction; an export is unknown', async () => {
    const findings = (await report('residency')).model.findings as Finding[];
    const replica = findings.find(
      (f) => f.resource_arn === `arn:aws:dynamodb:ap-southeast-2:${A1}:table/orders`,
    )!;
    expect(replica.status).toBe('fail');
    expect(replica.reason).toMatch(/^replicated \(active\) by UpdateTable from us-east-1/);
    expect(replica.reason).toContain('ap-southeast-2 (');
    const exported = findings.find((f) => f.resource_arn === 'arn:aws:s3:::<b>landing</b>')!;
    expect(exported.status).toBe('unknown');
    expect(exported.reason).toContain('exported to an S3 bucket');
  });

  it('forensics: the export is flagged as a copy-out, the HSM backup copy as moved key material', async () => {
    const exported = (await report('forensics', '<b>landing</b>')).model.findings as (Finding & {
      flags: string[];
    })[];
    const e = exported.find((f) => f.check === 'copy')!;
    expect(e.status).toBe('fail');
    expect(e.flags.some((x) => x.startsWith('copy-out: StartExportTask'))).toBe(true);
    const hsm = (await report('forensics', 'backup-abcdefghijk')).model.findings as (Finding & {
      flags: string[];
    })[];
    expect(hsm.find((f) => f.check === 'copy')!.flags).toContain(
      'key material moved: CopyBackupToRegion copied an HSM backup to us-west-2',
    );
  });
});
