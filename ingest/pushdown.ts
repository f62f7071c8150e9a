// What the query sources push down about KMS, defined once: which encryption-context keys make a KMS
// record something lineage can use. The Athena filter (queries/athena/lineage_filter.sql) takes these
// as execution parameters, the Lake query as literals, and bench/athena-slice.ts runs the Athena text
// itself in DuckDB over the same files (queries/athena/local_table.sql), so the measure cannot drift.

import { CONTEXT_KEYS } from '../core/events.ts';

export const KMS_SOURCE = 'kms.amazonaws.com';

/**
 * The context key of an S3 object or bucket under SSE-KMS: how the correlator finds a replication
 * role's KMS calls (queries/correlate/extract_kms_context.sql, s3_replication_evidence.sql). A failed
 * call is evidence only with it (a role denied by a key policy is a replication failing silently).
 */
export const S3_CONTEXT_KEY = 'aws:s3:arn';

/**
 * Every context key some rule or the S3 replication evidence reads. A KMS record whose context names
 * none of them (a secret, a parameter, a backup vault's own key use) is never a copy's evidence: the
 * correlator keeps its key only as "has a context", which no join uses. Taken from the rules
 * themselves (correlate/rules/rule.ts CONTEXT_KEYS), so a rule that learns a key widens the pushdown.
 */
export const PUSHDOWN_CONTEXT_KEYS: readonly string[] = [
  ...new Set<string>([...CONTEXT_KEYS, S3_CONTEXT_KEY]),
];

/** How many context keys lineage_filter.sql tests (strpos over this many parameters). */
export const CONTEXT_KEY_SLOTS = 6;

/**
 * The KMS part of the filter's values, in placeholder order: the mode, the S3 key (a failed call is
 * kept only with it), then the context keys padded to CONTEXT_KEY_SLOTS with the first one.
 */
export function kmsParameters(allKms: boolean): string[] {
  const keys = PUSHDOWN_CONTEXT_KEYS;
  if (keys.length > CONTEXT_KEY_SLOTS) {
    // a programming error, not input: a rule named a key the filter has no slot for
    throw new Error(
      `lineage_filter.sql tests ${CONTEXT_KEY_SLOTS} context keys; the rules name ${keys.length}`,
    );
  }
  return [
    allKms ? 'all' : 'evidence',
    S3_CONTEXT_KEY,
    ...Array.from({ length: CONTEXT_KEY_SLOTS }, (_, i) => keys[i] ?? keys[0]!),
  ];
}
