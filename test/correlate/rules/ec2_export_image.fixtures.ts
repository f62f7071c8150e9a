// Named scenarios for ec2_export_image: an AMI exported as a disk image to S3 is a copy-out edge to
// the bucket. Records follow the EC2 API reference (shape inferred; no real record seen).
import { A1, call, type RuleFixtures } from './fixture.ts';

const EC2 = 'ec2.amazonaws.com';

const exportImage = (
  id: string,
  at: string,
  image: string,
  bucket: string,
  region = 'us-east-1',
  error?: string,
) =>
  call({
    id,
    at,
    source: EC2,
    name: 'ExportImage',
    region,
    account: A1,
    error,
    rp: {
      imageId: image,
      diskImageFormat: 'VMDK',
      s3ExportLocation: { s3Bucket: bucket, s3Prefix: 'exports/' },
    },
    re: {
      exportImageTaskId: `export-ami-${id}`,
      imageId: image,
      diskImageFormat: 'vmdk',
      s3ExportLocation: { s3Bucket: bucket, s3Prefix: 'exports/' },
      status: 'active',
    },
  });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'AMI exported to a bucket: a copy-out edge from the AMI in its region to the bucket',
      records: [exportImage('ami-export', '2026-03-02T12:00:00Z', 'ami-0123456789abcdef0', 'vm-images')],
      copies: [
        {
          copy_id: 'ami-export',
          api: 'ExportImage',
          kind: 'ami_export',
          status: 'requested',
          source_id: 'ami-0123456789abcdef0',
          source_region: 'us-east-1',
          source_account: A1,
          target_id: 'vm-images',
          target_arn: 'arn:aws:s3:::vm-images',
          target_region: null,
          target_account: null,
        },
      ],
      evidence: [],
    },
    {
      name: 'in GovCloud the bucket ARN is in its partition',
      records: [
        exportImage(
          'ami-export-gov',
          '2026-03-02T12:00:00Z',
          'ami-0123456789abcdef0',
          'vm-images',
          'us-gov-west-1',
        ),
      ],
      copies: [
        {
          copy_id: 'ami-export-gov',
          api: 'ExportImage',
          kind: 'ami_export',
          target_arn: 'arn:aws-us-gov:s3:::vm-images',
        },
      ],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed export is failed; the export task status check is no copy',
      records: [
        exportImage(
          'ami-export-failed',
          '2026-03-02T12:00:00Z',
          'ami-0123456789abcdef0',
          'vm-images',
          'us-east-1',
          'Client.InvalidParameter',
        ),
        call({
          id: 'ami-export-describe',
          at: '2026-03-02T12:30:00Z',
          source: EC2,
          name: 'DescribeExportImageTasks',
          region: 'us-east-1',
          account: A1,
          rp: { exportImageTaskIdSet: { items: [{ exportImageTaskId: 'export-ami-x' }] } },
        }),
      ],
      copies: [{ copy_id: 'ami-export-failed', api: 'ExportImage', kind: 'ami_export', status: 'failed' }],
      evidence: [],
      unlinked: ['ami-export-describe'],
    },
  ],
};
