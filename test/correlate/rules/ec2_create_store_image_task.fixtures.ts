// Named scenarios for ec2_create_store_image_task: an AMI stored in S3 is a copy-out edge to the
// bucket, chained to the copy that made the AMI. Records follow the EC2 API reference (shape
// inferred; no real record seen).
import { A1, call, type RuleFixtures } from './fixture.ts';

const EC2 = 'ec2.amazonaws.com';

const store = (id: string, at: string, image: string, bucket: string, error?: string) =>
  call({
    id,
    at,
    source: EC2,
    name: 'CreateStoreImageTask',
    region: 'eu-west-1',
    account: A1,
    error,
    rp: { imageId: image, bucket },
    re: { objectKey: `${image}.bin` },
  });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'a copied AMI stored in a bucket: copy-out edge to the bucket, descended from the AMI copy',
      records: [
        call({
          id: 'ami-copy',
          at: '2026-03-02T10:00:00Z',
          source: EC2,
          name: 'CopyImage',
          region: 'eu-west-1',
          account: A1,
          rp: { sourceImageId: 'ami-0aaaaaaaaaaaaaaa1', sourceRegion: 'us-east-1', name: 'web' },
          re: { imageId: 'ami-0bbbbbbbbbbbbbbb2' },
        }),
        store('ami-store', '2026-03-03T10:00:00Z', 'ami-0bbbbbbbbbbbbbbb2', 'ami-archive'),
      ],
      copies: [
        { copy_id: 'ami-copy', api: 'CopyImage', kind: 'ami', status: 'completed' },
        {
          copy_id: 'ami-store',
          api: 'CreateStoreImageTask',
          kind: 'ami_store',
          status: 'requested',
          source_id: 'ami-0bbbbbbbbbbbbbbb2',
          source_region: 'eu-west-1',
          source_account: A1,
          target_id: 'ami-archive',
          target_arn: 'arn:aws:s3:::ami-archive',
          target_region: null,
          target_account: null,
          parent_copy_id: 'ami-copy',
        },
      ],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed store is failed; restoring an image from S3 is not a store',
      records: [
        store(
          'ami-store-failed',
          '2026-03-02T10:00:00Z',
          'ami-0bbbbbbbbbbbbbbb2',
          'ami-archive',
          'Client.AccessDenied',
        ),
        call({
          id: 'ami-restore-task',
          at: '2026-03-04T10:00:00Z',
          source: EC2,
          name: 'CreateRestoreImageTask',
          region: 'eu-west-1',
          account: A1,
          rp: { bucket: 'ami-archive', objectKey: 'ami-0bbbbbbbbbbbbbbb2.bin' },
          re: { imageId: 'ami-0ccccccccccccccc3' },
        }),
      ],
      copies: [
        { copy_id: 'ami-store-failed', api: 'CreateStoreImageTask', kind: 'ami_store', status: 'failed' },
      ],
      evidence: [],
      unlinked: ['ami-restore-task'],
    },
  ],
};
