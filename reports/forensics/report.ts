// forensics: everything around one subject (an artifact, a key, a principal or an account) in a
// time window: the lineage graph, the timeline of related events, KMS use per key and region,
// shares, and flags: a copy or share to an untrusted account, a copy nothing in KMS vouches for,
// an unusual copier, a key used in a region the policy does not allow.

import { z } from 'zod';
import { ACCOUNT_ID } from '../../core/aws-ids.ts';
import { COPY_OUT_KINDS, isKind, KEY_MATERIAL_KINDS } from '../../core/copy-kinds.ts';
import type { ReportContext } from '../context.ts';
import { buildBanner, CoverageIndex } from '../coverage.ts';
import { count, text, textOrNull } from '../fields.ts';
import { Banner, Finding, Header, Summary, sortFindings, summarize } from '../model.ts';
import { ResidencyPolicy } from '../policy.ts';
import { CopyRow, chained, resourceArn, ShareRow } from '../rows.ts';
import { lineageGraph } from '../svg.ts';
import { unknownSubject } from './closest.ts';

export const TIMELINE_LIMIT = 5000;

const CopyId = z.object({ copy_id: text });
const TimelineRow = z.object({
  event_id: text,
  event_time: text,
  event_source: text,
  event_name: text,
  aws_region: textOrNull,
  recipient_account_id: textOrNull,
  actor: textOrNull,
  source_ip: textOrNull,
  user_agent: textOrNull,
  error_code: textOrNull,
  why: text,
});
const KmsUse = z.object({
  key_arn: textOrNull,
  region: textOrNull,
  event_name: text,
  calls: count,
  accounts: textOrNull,
  first_at: textOrNull,
  last_at: textOrNull,
});
const PrincipalCopies = z.object({ principal_arn: text, copies: count });

export type SubjectKind = 'account' | 'key' | 'principal' | 'artifact';

export function subjectKind(subject: string): SubjectKind {
  if (ACCOUNT_ID.test(subject)) return 'account';
  if (
    /^arn:[^:]+:kms:/.test(subject) ||
    /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(subject)
  )
    return 'key';
  if (/^arn:[^:]+:(iam|sts)::/.test(subject)) return 'principal';
  return 'artifact';
}

const globMatch = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(value);

/** A finding with the flags that made it fail (none when it passed). */
const FlaggedFinding = Finding.extend({ flags: z.array(text) });

export const ForensicsModel = z.object({
  header: Header,
  banner: Banner,
  subject: z.object({ value: text, kind: text }),
  /** what the flags are judged against: the residency policy and the expected copiers */
  policy: z.array(text),
  summary: Summary,
  findings: z.array(FlaggedFinding),
  graph_svg_data_uri: text,
  /** copies drawn in the graph, of all the copies listed (svg.ts MAX_GRAPH_EDGES) */
  graph_shown: z.number(),
  graph_total: z.number(),
  copies: z.array(
    z.object({
      copy_id: text,
      requested_at: textOrNull,
      api: text,
      mechanism: text,
      status: text,
      principal_arn: textOrNull,
      source: text,
      target: text,
      key_change: textOrNull,
      evidence: z.number(),
      flags: z.array(text),
    }),
  ),
  timeline: z.array(TimelineRow),
  timeline_truncated: z.boolean(),
  kms_use: z.array(KmsUse.extend({ flag: textOrNull })),
  shares: z.array(ShareRow.extend({ flag: textOrNull })),
});
export type ForensicsModel = z.infer<typeof ForensicsModel>;

export async function buildForensics(ctx: ReportContext, header: Header): Promise<ForensicsModel> {
  const subject = ctx.subject;
  if (!subject)
    throw new Error(
      'the forensics report needs --subject (an artifact id or ARN, key, principal or account)',
    );
  const kind = subjectKind(subject);
  const banner = await buildBanner(ctx);
  const coverage = await CoverageIndex.load(ctx);
  const policy = new ResidencyPolicy(ctx.config, coverage.accounts());

  const ids = (await ctx.all('reports/forensics/subject_copies', CopyId, { subject, ...ctx.range })).map(
    (r) => r.copy_id,
  );
  // the component may reach outside the window: show it whole, as lineage does; only its copies are read
  const copies = chained(
    await ctx.all('reports/common/copies', CopyRow, {
      since: null,
      until: null,
      copy_ids: JSON.stringify(ids),
    }),
  );
  const artifactIds = new Set<string>();
  for (const c of copies) {
    if (c.source_id) artifactIds.add(c.source_id);
    if (c.target_id) artifactIds.add(c.target_id);
  }
  if (kind === 'artifact') artifactIds.add(subject);
  const allShares = await ctx.all('reports/common/shares', ShareRow, ctx.range);
  const shares = allShares.filter(
    (s) =>
      artifactIds.has(s.artifact_id) ||
      s.from_account === subject ||
      s.to_account === subject ||
      s.actor_arn === subject,
  );
  const timeline = await ctx.all('reports/forensics/timeline', TimelineRow, {
    copy_ids: JSON.stringify(ids),
    artifact_ids: JSON.stringify([...artifactIds]),
    share_ids: JSON.stringify(shares.map((x) => x.event_id)),
    subject,
    ...ctx.range,
    limit: TIMELINE_LIMIT + 1,
  });
  if (copies.length === 0 && shares.length === 0 && timeline.length === 0) {
    throw await unknownSubject(ctx, subject);
  }
  const keyArns = new Set<string>();
  for (const c of copies) for (const k of [c.source_key_arn, c.target_key_arn]) if (k) keyArns.add(k);
  if (kind === 'key' && subject.startsWith('arn:')) keyArns.add(subject);
  const kmsUse = await ctx.all('reports/forensics/kms_use', KmsUse, {
    event_ids: JSON.stringify(timeline.map((t) => t.event_id)),
    key_arns: JSON.stringify([...keyArns]),
    ...ctx.range,
  });
  const principals = new Map(
    (await ctx.all('reports/forensics/principal_copies', PrincipalCopies)).map((p) => [
      p.principal_arn,
      p.copies,
    ]),
  );
  const expected = ctx.config.forensics.expected_copy_principals;
  const unusual = (arn: string | null): string | null => {
    if (!arn) return null;
    if (expected.length)
      return expected.some((p) => globMatch(p, arn))
        ? null
        : 'copy by a principal not in forensics.expected_copy_principals';
    return (principals.get(arn) ?? 0) <= 1
      ? 'copy by a principal that made no other copy in the store'
      : null;
  };

  const findings: ForensicsModel['findings'] = [];
  const copyRows = copies.map((c) => {
    const flags: string[] = [];
    const acct = policy.account(c.target_account);
    if (c.status !== 'failed') {
      if (acct.allowed === false) flags.push(`copy to an untrusted account: ${acct.why}`);
      const region = policy.region(c.target_region);
      if (region.allowed === false) flags.push(`copy outside the residency policy: ${region.why}`);
      if (c.evidence === 0) flags.push('copy without any KMS evidence');
      // data that left the snapshot world, and key material that moved, are shown whatever else holds
      if (isKind(COPY_OUT_KINDS, c.kind))
        flags.push(
          `copy-out: ${c.api} put the data into S3 bucket ${c.target_id ?? '?'}, outside snapshot lineage`,
        );
      if (isKind(KEY_MATERIAL_KINDS, c.kind))
        flags.push(`key material moved: ${c.api} copied an HSM backup to ${c.target_region ?? '?'}`);
      if (c.status === 'failing')
        flags.push("replication failing: the replication role's KMS calls are denied");
      const u = unusual(c.principal_arn);
      if (u) flags.push(u);
    }
    findings.push(
      FlaggedFinding.parse({
        resource_arn: resourceArn(
          c.kind,
          c.target_id ?? c.source_id,
          c.target_region ?? c.source_region,
          c.target_account,
        ),
        account_id: c.target_account,
        region: c.target_region,
        status: flags.length ? 'fail' : c.status === 'failed' ? 'pass' : c.target_region ? 'pass' : 'unknown',
        reason: flags.length
          ? flags.join('; ')
          : c.status === 'failed'
            ? `failed ${c.api} (${c.error_code ?? 'error'}): nothing was copied`
            : c.target_region
              ? `${c.api} to ${c.target_region} / ${c.target_account} with ${c.evidence} evidence record(s)`
              : `${c.api} seen only from the owner's side: where the copy went is not in the ingested trails`,
        check: 'copy',
        principal_arn: c.principal_arn,
        at: c.requested_at,
        event_ids: [c.request_event_id, ...c.evidence_event_ids],
        flags,
      }),
    );
    return {
      copy_id: c.copy_id,
      requested_at: c.requested_at,
      api: c.api,
      mechanism: c.mechanism,
      status: c.error_code ? `failed (${c.error_code})` : c.status,
      principal_arn: c.principal_arn,
      source: `${c.source_id ?? '?'} · ${c.source_region ?? '?'} / ${c.source_account ?? '?'}`,
      target: `${c.target_id ?? '(not visible)'} · ${c.target_region ?? '?'} / ${c.target_account ?? '?'}`,
      key_change: c.key_change,
      evidence: c.evidence,
      flags,
    };
  });
  const shareRows = shares.map((s) => {
    const v = policy.share(s);
    const flag = s.action === 'added' && v.allowed === false ? `share to an untrusted party: ${v.why}` : null;
    if (s.action === 'added') {
      findings.push(
        FlaggedFinding.parse({
          resource_arn: resourceArn(s.artifact_kind, s.artifact_id, s.region, s.from_account),
          account_id: s.from_account,
          region: s.region,
          status: flag ? 'fail' : 'pass',
          reason: flag ?? `shared with ${s.to_account}: ${v.why}`,
          check: 'share',
          principal_arn: s.actor_arn,
          at: s.event_time,
          event_ids: [s.event_id],
          flags: flag ? [flag] : [],
        }),
      );
    }
    return { ...s, flag };
  });
  const kmsRows = kmsUse.map((k) => {
    const r = policy.region(k.region);
    const flag = r.allowed === false ? `key used in an unexpected region: ${r.why}` : null;
    if (flag) {
      findings.push(
        FlaggedFinding.parse({
          resource_arn: k.key_arn ?? '(unknown key)',
          account_id: k.accounts,
          region: k.region,
          status: 'fail',
          reason: `${k.calls} ${k.event_name} call(s): ${flag}`,
          check: 'key_region',
          at: k.last_at,
          flags: [flag],
        }),
      );
    }
    return { ...k, flag };
  });

  const graph = await lineageGraph(
    copies.map((c, i) => ({
      from: { id: c.source_id ?? '?', region: c.source_region ?? '?', account: c.source_account ?? '?' },
      to: {
        id: isKind(COPY_OUT_KINDS, c.kind)
          ? `S3 bucket ${c.target_id ?? '?'}`
          : (c.target_id ?? `(copy by ${c.target_account ?? '?'})`),
        region: c.target_region ?? '?',
        account: c.target_account ?? '?',
      },
      label: `${c.api} (${c.mechanism})\n${c.requested_at ?? ''}\nevidence: ${c.evidence}${c.error_code ? `\nFAILED ${c.error_code}` : ''}`,
      flagged: copyRows[i]!.flags.length > 0,
      failed: c.status === 'failed',
    })),
  );

  const sorted = sortFindings(findings) as ForensicsModel['findings'];
  return ForensicsModel.parse({
    header,
    banner,
    subject: { value: subject, kind },
    policy: [
      policy.describe(),
      expected.length
        ? `Copies are expected only from: ${expected.join(', ')}.`
        : 'No expected copiers are configured: a principal that made no other copy in the store is flagged.',
      'A copy or share to an account that is neither ingested, trusted nor a vault is flagged; so is a copy without KMS evidence.',
    ],
    summary: summarize(sorted),
    findings: sorted,
    graph_svg_data_uri: graph.uri,
    graph_shown: graph.shown,
    graph_total: graph.total,
    copies: copyRows,
    timeline: timeline.slice(0, TIMELINE_LIMIT),
    timeline_truncated: timeline.length > TIMELINE_LIMIT,
    kms_use: kmsRows,
    shares: shareRows,
  });
}
