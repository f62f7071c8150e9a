// `manifest verify` as text: a few lines per manifest (signer, inputs root, each problem), warnings
// for files no manifest lists, then the verdict.
import type { VerifyReport } from './manifest-verify.ts';

/** The report as text: one line per manifest and per problem, then the verdict. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  for (const c of r.manifests) {
    const what = c.report
      ? `${c.report} report${c.generated_at ? ` generated ${c.generated_at}` : ''}`
      : 'manifest';
    lines.push(
      `${c.manifest}: ${what}, ${c.outputs} output(s)${c.inputs ? `, ${c.inputs.count} input file(s)` : ''}`,
    );
    if (c.signer) {
      const how =
        c.signer.trusted === true
          ? 'the key --key requires'
          : c.signer.trusted === false
            ? 'NOT the key --key requires'
            : 'the key embedded in the manifest';
      const eph = c.signer.origin === 'ephemeral' ? ' (a key made for that run only)' : '';
      lines.push(`  signer  ed25519 ${c.signer.key_id}: ${how}${eph}`);
    }
    if (c.inputs) {
      lines.push(
        `  inputs  merkle root ${c.inputs.merkle_root}${c.inputs.store === true ? ' (matches the store)' : ''}`,
      );
    }
    for (const p of c.problems) {
      const detail =
        p.expected !== undefined ? `: expected ${p.expected}, actual ${p.actual ?? '(none)'}` : '';
      lines.push(`  FAIL    ${p.file ?? c.manifest}: ${p.message}${detail}`);
    }
    if (!c.problems.length)
      lines.push('  ok      signature valid, every listed file present with its sha256 and size');
  }
  for (const w of r.warnings) lines.push(`WARNING ${w.file}: ${w.message}`);
  const unchecked = r.manifests.some((c) => c.signer?.trusted === null);
  if (r.ok && unchecked) {
    lines.push(
      'note: the signature was checked with the key embedded in the manifest. That proves nothing changed by ' +
        'accident since signing, not who signed: anyone who edits the files can sign again with a key of their own. ' +
        'Compare the fingerprint above with one you trust, or pass --key <public key PEM or fingerprint>.',
    );
  }
  const n = r.manifests.length;
  lines.push(
    r.ok
      ? `manifest verify: ${n} manifest(s), no problem: untouched since signing${r.required_key ? ' by the required key' : ''}${r.warnings.length ? ` (${r.warnings.length} warning(s))` : ''}`
      : `manifest verify: ${r.problems} problem(s) in ${n} manifest(s): changed after signing, or not signed as required`,
  );
  return lines.join('\n');
}
