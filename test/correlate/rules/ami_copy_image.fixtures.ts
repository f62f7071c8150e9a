// Named scenarios for ami_copy_image: what must link to a CopyImage, and what must not.
import { A1, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const EU_KEY = keyArn('eu-central-1', A1, '33333333-3333-4333-8333-333333333333');
const IE_KEY = keyArn('eu-west-1', A1, '44444444-4444-4444-8444-444444444444');

const copyImage = (id: string, at: string, from: string, to: string) =>
  call({
    id,
    at,
    source: 'ec2.amazonaws.com',
    name: 'CopyImage',
    region: 'eu-central-1',
    account: A1,
    rp: { sourceRegion: 'us-east-1', sourceImageId: from, name: 'golden', encrypted: true, kmsKeyId: EU_KEY },
    re: { imageId: to },
  });

/** A later copy of a snapshot out of eu-central-1, carrying the description the snapshot has. */
const copyOn = (id: string, at: string, from: string, to: string, description: string) =>
  call({
    id,
    at,
    source: 'ec2.amazonaws.com',
    name: 'CopySnapshot',
    region: 'eu-west-1',
    account: A1,
    rp: {
      sourceRegion: 'eu-central-1',
      sourceSnapshotId: from,
      encrypted: true,
      kmsKeyId: IE_KEY,
      description,
    },
    re: { snapshotId: to },
  });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'a grant with the call\'s request id, and the data key of a backing snapshot a later copy\'s "Copied for DestinationAmi" text names, are target evidence',
      records: [
        copyImage('ami-copy', '2026-03-02T11:00:07Z', 'ami-0a000000000000001', 'ami-0a000000000000002'),
        kms({
          id: 'ami-grant',
          at: '2026-03-02T11:00:09Z',
          name: 'CreateGrant',
          region: 'eu-central-1',
          account: A1,
          key: EU_KEY,
          requestId: 'req-ami-copy',
        }),
        kms({
          id: 'ami-backing-gdk',
          at: '2026-03-02T11:00:31Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'eu-central-1',
          account: A1,
          key: EU_KEY,
          ctx: { 'aws:ebs:id': 'snap-0b00000000000002' },
        }),
        copyOn(
          'ami-later-copy',
          '2026-03-03T02:00:00Z',
          'snap-0b00000000000002',
          'snap-0b00000000000003',
          'Copied for DestinationAmi ami-0a000000000000002 from SourceAmi ami-0a000000000000001 for SourceSnapshot snap-0b00000000000001. Task created on 1,772,449,207,000.',
        ),
      ],
      copies: [
        {
          copy_id: 'ami-copy',
          api: 'CopyImage',
          kind: 'ami',
          source_id: 'ami-0a000000000000001',
          source_region: 'us-east-1',
          target_id: 'ami-0a000000000000002',
          target_region: 'eu-central-1',
          target_key_arn: EU_KEY,
        },
        {
          copy_id: 'ami-later-copy',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          source_id: 'snap-0b00000000000002',
          source_region: 'eu-central-1',
          parent_copy_id: 'ami-copy',
        },
      ],
      evidence: [
        { copy_id: 'ami-copy', event_id: 'ami-backing-gdk', side: 'target', match: 'encryption_context' },
        { copy_id: 'ami-copy', event_id: 'ami-grant', side: 'target', match: 'request_id' },
      ],
    },
  ],
  negative: [
    {
      name: 'a data key for a snapshot no record ties to the AMI, or named by text that is not AWS\'s "Copied for DestinationAmi", does not link',
      records: [
        copyImage('ami-neg-copy', '2026-03-02T11:00:07Z', 'ami-0c000000000000001', 'ami-0c000000000000002'),
        kms({
          id: 'ami-neg-unnamed',
          at: '2026-03-02T11:00:31Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'eu-central-1',
          account: A1,
          key: EU_KEY,
          ctx: { 'aws:ebs:id': 'snap-0d00000000000002' },
        }),
        kms({
          id: 'ami-neg-lookalike',
          at: '2026-03-02T11:00:32Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'eu-central-1',
          account: A1,
          key: EU_KEY,
          ctx: { 'aws:ebs:id': 'snap-0d00000000000003' },
        }),
        copyOn(
          'ami-neg-later-copy',
          '2026-03-03T02:00:00Z',
          'snap-0d00000000000003',
          'snap-0d00000000000004',
          'Backup of DestinationAmi ami-0c000000000000002 for SourceSnapshot snap-0d00000000000001',
        ),
      ],
      copies: [
        { copy_id: 'ami-neg-copy', api: 'CopyImage', kind: 'ami', target_key_arn: EU_KEY },
        { copy_id: 'ami-neg-later-copy', api: 'CopySnapshot', kind: 'ebs_snapshot', parent_copy_id: null },
      ],
      evidence: [],
      unlinked: ['ami-neg-unnamed', 'ami-neg-lookalike'],
    },
  ],
};
