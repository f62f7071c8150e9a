// EFS CreateReplicationConfiguration: a file system replicated to another (new or existing) file
// system, in another region or the same one, and since 2025 in another account. Configuration-style:
// the edge is active until DeleteReplicationConfiguration for its source file system ends it. The
// call is made in the source's region.
// Shape inferred from the API reference; no real record seen: EFS is a REST/JSON API, so CloudTrail
// logs the source file system id (a URI parameter) and the Destinations list under lowerCamelCase
// names; the response repeats both, with the source's ARN and region. EFS allows one destination, so
// only the list's first element is read. The destination account is the response destination's
// ownerId where it is given (cross-account replication), else the caller's.
// EFS documents its encryption context (aws:elasticfilesystem:filesystem:id = the file system id),
// but both file systems are live: clients mounting the source, or reading the read-only replica,
// make KMS calls with the same context that the replication did not cause. No KMS record is taken as
// the replication's evidence; only the call that ends it is linked.
import { DECLARED_CALL, type RuleDeclaration } from './rule.ts';

export const efs_create_replication_configuration: RuleDeclaration = {
  id: 'efs_create_replication_configuration',
  eventSource: 'elasticfilesystem.amazonaws.com',
  api: 'CreateReplicationConfiguration',
  kind: 'efs_replication',
  configuration: true,
  source: {
    ref: ['responseElements.sourceFileSystemArn', 'requestParameters.sourceFileSystemId'],
    region: ['responseElements.sourceFileSystemRegion', 'awsRegion'],
    account: ['recipientAccountId'],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.destinations[0].fileSystemId', 'requestParameters.destinations[0].fileSystemId'],
    arn: [],
    region: ['responseElements.destinations[0].region', 'requestParameters.destinations[0].region'],
    account: ['responseElements.destinations[0].ownerId', 'recipientAccountId'],
  },
  ...DECLARED_CALL,
  key: ['requestParameters.destinations[0].kmsKeyId'],
  // deleting the configuration is done from the source's region or the destination's, naming the
  // source file system (shape inferred as above)
  serviceEvents: [
    {
      eventSource: 'elasticfilesystem.amazonaws.com',
      eventName: 'DeleteReplicationConfiguration',
      side: 'source',
      ends: true,
      ties: ['call_region', 'target_region'].map((region) => ({
        all: [
          { path: 'requestParameters.sourceFileSystemId', field: 'source_id', test: 'equals' },
          { path: 'awsRegion', field: region as 'call_region' | 'target_region', test: 'equals' },
          { path: 'recipientAccountId', field: 'call_account', test: 'equals' },
        ],
        inWindow: false,
      })),
    },
  ],
};
