// EC2 RestoreSnapshotFromRecycleBin: a deleted snapshot returns from the Recycle Bin, with its own
// id, in its region and account. The edge's source and target are that one snapshot: it says a copy
// thought gone exists again, and it keeps chains whole (a later copy of the snapshot descends from the
// restore, the restore from the copy that made the snapshot).
// Shape inferred from the API reference; no real record seen: EC2 Query API, logged as
// requestParameters.snapshotId, with the snapshot repeated in responseElements.snapshotId. A restore
// makes no KMS call of its own that is documented: no KMS evidence.
import { DECLARED_CALL, IN_CALL_PLACE, type RuleDeclaration } from './rule.ts';

export const ec2_restore_snapshot_from_recycle_bin: RuleDeclaration = {
  id: 'ec2_restore_snapshot_from_recycle_bin',
  eventSource: 'ec2.amazonaws.com',
  api: 'RestoreSnapshotFromRecycleBin',
  kind: 'recycle_bin_restore',
  inPlace: true,
  source: {
    ref: ['requestParameters.snapshotId'],
    ...IN_CALL_PLACE,
  },
  target: {
    ref: ['requestParameters.snapshotId'],
    arn: [],
    ...IN_CALL_PLACE,
  },
  ...DECLARED_CALL,
};
