// The registry of correlation rules: an explicit list, checked against the folder by a test, each
// declaration parsed (and its defaults filled) once here.
import { ami_copy_image } from './ami_copy_image.ts';
import { backup_start_copy_job } from './backup_start_copy_job.ts';
import { ebs_copy_snapshot } from './ebs_copy_snapshot.ts';
import { ebs_copy_volumes } from './ebs_copy_volumes.ts';
import { rds_automated_backups_replication } from './rds_automated_backups_replication.ts';
import { rds_copy_db_cluster_snapshot } from './rds_copy_db_cluster_snapshot.ts';
import { rds_copy_db_snapshot } from './rds_copy_db_snapshot.ts';
import { type CorrelationRule, CorrelationRule as RuleSchema } from './rule.ts';

export const RULES: CorrelationRule[] = [
  ebs_copy_snapshot,
  ami_copy_image,
  rds_copy_db_snapshot,
  rds_copy_db_cluster_snapshot,
  rds_automated_backups_replication,
  backup_start_copy_job,
  ebs_copy_volumes,
].map((r) => RuleSchema.parse(r));
