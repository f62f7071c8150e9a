// Named scenarios for rds_start_export_task: a snapshot exported to S3 is a copy-out edge to the
// bucket (its ARN built from the name, its region and account left unknown), chained to the copy
// that made the snapshot. Records follow the RDS API reference (shape inferred; no real record seen).
import { A1, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const RDS = 'rds.amazonaws.com';
const KEY = keyArn('us-east-1', A1, 'e8e8e8e8-e8e8-4e8e-8e8e-e8e8e8e8e8e8');
const SNAPSHOT_ARN = `arn:aws:rds:us-east-1:${A1}:snapshot:orders-2026-03-02`;

const startExport = (id: string, at: string, source: string, bucket: string, error?: string) =>
  call({
    id,
    at,
    source: RDS,
    name: 'StartExportTask',
    region: 'us-east-1',
    account: A1,
    error,
    rp: {
      exportTaskIdentifier: `export-${id}`,
      sourceArn: source,
      s3BucketName: bucket,
      iamRoleArn: `arn:aws:iam::${A1}:role/rds-s3-export`,
      kmsKeyId: KEY,
    },
    re: {
      exportTaskIdentifier: `export-${id}`,
      sourceArn: source,
      s3Bucket: bucket,
      kmsKeyId: KEY,
      status: 'STARTING',
    },
  });

const edge = {
  api: 'StartExportTask',
  kind: 'rds_export',
  status: 'requested',
  source_id: 'orders-2026-03-02',
  source_arn: SNAPSHOT_ARN,
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'analytics-landing',
  target_arn: 'arn:aws:s3:::analytics-landing',
  target_region: null,
  target_account: null,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'snapshot exported to a bucket: the bucket is the target, its region and account unknown',
      records: [startExport('rds-export', '2026-03-02T12:00:00Z', SNAPSHOT_ARN, 'analytics-landing')],
      copies: [{ copy_id: 'rds-export', ...edge }],
      evidence: [],
    },
    {
      name: 'export of a copied snapshot descends from the copy',
      records: [
        call({
          id: 'rds-copy',
          at: '2026-03-02T10:00:00Z',
          source: RDS,
          name: 'CopyDBSnapshot',
          region: 'us-east-1',
          account: A1,
          rp: {
            sourceDBSnapshotIdentifier: 'rds:orders-2026-03-02-03-00',
            targetDBSnapshotIdentifier: 'orders-2026-03-02',
          },
          re: { dBSnapshotIdentifier: 'orders-2026-03-02', dBSnapshotArn: SNAPSHOT_ARN },
        }),
        startExport('rds-export', '2026-03-02T12:00:00Z', SNAPSHOT_ARN, 'analytics-landing'),
      ],
      copies: [
        { copy_id: 'rds-copy', api: 'CopyDBSnapshot', kind: 'rds_snapshot', status: 'completed' },
        { copy_id: 'rds-export', ...edge, parent_copy_id: 'rds-copy' },
      ],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed export is failed; a KMS record of the export key without context is no evidence',
      records: [
        startExport(
          'rds-export-failed',
          '2026-03-02T12:00:00Z',
          SNAPSHOT_ARN,
          'analytics-landing',
          'IamRoleNotFound',
        ),
        startExport('rds-export', '2026-03-02T13:00:00Z', SNAPSHOT_ARN, 'analytics-landing'),
        kms({
          id: 'rds-export-gdk',
          at: '2026-03-02T13:00:30Z',
          name: 'GenerateDataKey',
          region: 'us-east-1',
          account: A1,
          key: KEY,
          invokedBy: RDS,
        }),
      ],
      copies: [
        { copy_id: 'rds-export-failed', api: edge.api, kind: edge.kind, status: 'failed' },
        { copy_id: 'rds-export', ...edge },
      ],
      evidence: [],
      unlinked: ['rds-export-gdk'],
    },
    {
      name: 'a hostile bucket name is stored as data, inside the built ARN too',
      records: [
        startExport(
          'rds-export-hostile',
          '2026-03-02T12:00:00Z',
          SNAPSHOT_ARN,
          "b'); drop table copies; --<b>",
        ),
        call({
          id: 'rds-describe',
          at: '2026-03-02T12:10:00Z',
          source: RDS,
          name: 'DescribeExportTasks',
          region: 'us-east-1',
          account: A1,
          rp: { exportTaskIdentifier: 'export-rds-export-hostile' },
        }),
      ],
      copies: [
        {
          copy_id: 'rds-export-hostile',
          api: edge.api,
          kind: edge.kind,
          target_id: "b'); drop table copies; --<b>",
          target_arn: "arn:aws:s3:::b'); drop table copies; --<b>",
        },
      ],
      evidence: [],
      unlinked: ['rds-describe'],
    },
  ],
};
