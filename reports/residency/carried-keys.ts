// Residency of the keys data carries. A snapshot's associated keys (AssociateKmsKeyId) are each a
// second, independent way to its data, so a key in a region the policy does not allow puts the data
// within reach there, wherever the snapshot sits. A copy's own key is judged where it lies outside
// the copy's region (a key in the copy's region is judged with the copy's location already).
// Findings are built whole, not parsed one by one: the report's model is checked once (generate.ts).
import type { Finding } from '../model.ts';
import type { ResidencyPolicy } from '../policy.ts';
import { type ArtifactKeyRow, type ResidencyCopyRow, resourceArn } from '../rows.ts';

const regionOfKey = (arn: string | null) => (arn?.startsWith('arn:') ? arn.split(':')[3] || null : null);

export function judgeCarriedKeys(
  policy: ResidencyPolicy,
  copies: ResidencyCopyRow[],
  associated: ArtifactKeyRow[],
): Finding[] {
  const verdict = (...vs: (boolean | null)[]) =>
    vs.includes(false) ? 'fail' : vs.includes(null) ? 'unknown' : 'pass';
  const out: Finding[] = [];
  for (const c of copies) {
    if (c.status === 'failed' || !c.target_key_arn) continue;
    const keyRegion = regionOfKey(c.target_key_arn);
    if (!keyRegion || keyRegion === c.target_region) continue;
    const r = policy.region(keyRegion);
    out.push({
      resource_arn: c.target_key_arn,
      account_id: c.target_account,
      region: keyRegion,
      status: verdict(r.allowed),
      reason: `key ${c.target_key_arn} of ${c.kind} ${c.target_id ?? '(not visible)'} (copied by ${c.api} to ${c.target_region ?? '?'}) is in ${r.why}`,
      check: 'key_location',
      principal_arn: c.principal_arn,
      at: c.requested_at,
      event_ids: [c.request_event_id],
    });
  }
  for (const k of associated) {
    const artifact = resourceArn(k.artifact_kind, k.artifact_id, k.region, k.account_id);
    const r = k.key_region
      ? policy.region(k.key_region)
      : {
          allowed: null,
          why: 'a region not known: the records name the key only by an alias no KMS record resolves',
        };
    out.push({
      resource_arn: k.key_arn ?? k.key,
      account_id: k.account_id,
      region: k.key_region,
      status: verdict(r.allowed),
      reason: `key ${k.key} associated with ${k.artifact_kind} ${artifact} is in ${r.why}`,
      check: 'associated_key',
      principal_arn: null,
      at: k.associated_at,
      event_ids: [k.event_id],
    });
  }
  return out;
}
