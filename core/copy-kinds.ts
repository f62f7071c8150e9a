// The kinds of copy edge whose meaning the reports must know beyond "data now also sits there".
// Kind names are values of copies.kind, written by the correlator's rules (correlate/rules/); the
// reports read them from the database and judge them with these lists.

/**
 * Copy-outs: the data leaves the snapshot world for an S3 bucket (an export). The bucket's region
 * and account are not in the record. Never a DR copy; forensics flags each one.
 */
export const COPY_OUT_KINDS = ['rds_export', 'ami_export', 'ami_store'] as const;

/** Copies that move key material (a CloudHSM cluster backup): forensics flags each one. */
export const KEY_MATERIAL_KINDS = ['cloudhsm_backup'] as const;

/** A deleted artifact brought back in place: no copy elsewhere, so never a DR copy. */
export const RESTORE_KINDS = ['recycle_bin_restore'] as const;

export const isKind = (list: readonly string[], kind: string | null | undefined) =>
  kind !== null && kind !== undefined && list.includes(kind);
