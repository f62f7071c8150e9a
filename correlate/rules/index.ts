// The registry of correlation rules: an explicit list, checked against the folder by a test, each
// declaration parsed (and its defaults filled) once here.
import { ami_copy_image } from './ami_copy_image.ts';
import { backup_start_copy_job } from './backup_start_copy_job.ts';
import { cloudhsm_copy_backup_to_region } from './cloudhsm_copy_backup_to_region.ts';
import { dynamodb_update_table_replica } from './dynamodb_update_table_replica.ts';
import { ebs_copy_snapshot } from './ebs_copy_snapshot.ts';
import { ebs_copy_volumes } from './ebs_copy_volumes.ts';
import { ec2_create_store_image_task } from './ec2_create_store_image_task.ts';
import { ec2_export_image } from './ec2_export_image.ts';
import { ec2_restore_snapshot_from_recycle_bin } from './ec2_restore_snapshot_from_recycle_bin.ts';
import { efs_create_replication_configuration } from './efs_create_replication_configuration.ts';
import { fsx_copy_backup } from './fsx_copy_backup.ts';
import { rds_automated_backups_replication } from './rds_automated_backups_replication.ts';
import { rds_copy_db_cluster_snapshot } from './rds_copy_db_cluster_snapshot.ts';
import { rds_copy_db_snapshot } from './rds_copy_db_snapshot.ts';
import { rds_start_export_task } from './rds_start_export_task.ts';
import { redshift_copy_cluster_snapshot } from './redshift_copy_cluster_snapshot.ts';
import { redshift_enable_snapshot_copy } from './redshift_enable_snapshot_copy.ts';
import { redshift_serverless_snapshot_copy_configuration } from './redshift_serverless_snapshot_copy_configuration.ts';
import { type CorrelationRule, CorrelationRule as RuleSchema } from './rule.ts';

export const RULES: CorrelationRule[] = [
  ebs_copy_snapshot,
  ami_copy_image,
  rds_copy_db_snapshot,
  rds_copy_db_cluster_snapshot,
  rds_automated_backups_replication,
  backup_start_copy_job,
  ebs_copy_volumes,
  // service copies, configurations and copy-outs
  fsx_copy_backup,
  efs_create_replication_configuration,
  redshift_enable_snapshot_copy,
  redshift_copy_cluster_snapshot,
  redshift_serverless_snapshot_copy_configuration,
  dynamodb_update_table_replica,
  cloudhsm_copy_backup_to_region,
  ec2_restore_snapshot_from_recycle_bin,
  rds_start_export_task,
  ec2_export_image,
  ec2_create_store_image_task,
].map((r) => RuleSchema.parse(r));
