// CopyImage (reference §2.5). Its KMS records name the new backing snapshots, which CopyImage does
// not. They attach by request id, or as the target context once a later record tells which
// snapshots back the new AMI (the "Copied for DestinationAmi …" description AWS writes on them,
// carried by a later CopySnapshot). Otherwise the copy is reported without KMS evidence.
import { EBS_CALL, IN_CALL_PLACE, type RuleDeclaration } from './rule.ts';

export const ami_copy_image: RuleDeclaration = {
  id: 'ami_copy_image',
  eventSource: 'ec2.amazonaws.com',
  api: 'CopyImage',
  kind: 'ami',
  source: {
    ref: ['requestParameters.sourceImageId'],
    region: ['requestParameters.sourceRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.imageId'],
    arn: [],
    ...IN_CALL_PLACE,
  },
  context: [],
  ...EBS_CALL,
  // "Copied for DestinationAmi ami-X from SourceAmi ami-Y for SourceSnapshot snap-Z": AWS writes it
  // on each snapshot it makes for an AMI copy; a later CopySnapshot of that snapshot carries it
  // into CloudTrail (reference §2.2, §2.5)
  backing: {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CopySnapshot',
    text: ['requestParameters.description'],
    targetPattern: '^Copied for DestinationAmi (ami-[0-9a-f]+)',
    artifact: ['requestParameters.sourceSnapshotId'],
    artifactPattern: '^snap-',
    artifactKind: 'ebs_snapshot',
    region: ['requestParameters.sourceRegion', 'awsRegion'],
    account: ['recipientAccountId'],
  },
};
