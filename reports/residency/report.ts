// residency: where the data went. Every artifact location and copy judged against the policy
// (allowed partitions, jurisdictions, regions; trusted accounts), keys per region with multi-Region
// replicas, and shares outside the trusted set. A violation carries the copy chain that put the
// data there, who did it and when.
import { z } from 'zod';
import { COPY_OUT_KINDS, isKind, RESTORE_KINDS } from '../../core/copy-kinds.ts';
import { regionInfo } from '../../core/regions.ts';
import type { ReportContext } from '../context.ts';
import { buildBanner, CoverageIndex } from '../coverage.ts';
import { Banner, Finding, Header, Summary, sortFindings, summarize } from '../model.ts';
import { ResidencyPolicy } from '../policy.ts';
import {
  ArtifactKeyRow,
  ArtifactRegionRow,
  ArtifactRow,
  chained,
  KeyRow,
  ResidencyCopyRow,
  resourceArn,
  ShareRow,
} from '../rows.ts';
import { stackedBarChart } from '../svg.ts';
import { judgeCarriedKeys } from './carried-keys.ts';

const Hop = z.object({
  copy_id: z.string(),
  api: z.string(),
  from: z.string(),
  to: z.string(),
  principal_arn: z.string().nullable(),
  at: z.string().nullable(),
});

export const ResidencyModel = z.object({
  header: Header,
  banner: Banner,
  policy: z.string(),
  summary: Summary,
  findings: z.array(Finding.extend({ chain: z.array(Hop) })),
  by_region: z.array(
    z.object({
      region: z.string(),
      name: z.string(),
      country: z.string(),
      jurisdiction: z.string(),
      partition: z.string(),
      allowed: z.enum(['yes', 'no', 'n/a']),
      artifacts: z.number(),
      copies_in: z.number(),
      accounts: z.array(z.string()),
    }),
  ),
  by_jurisdiction: z.array(
    z.object({ jurisdiction: z.string(), regions: z.array(z.string()), artifacts: z.number() }),
  ),
  keys: z.array(
    z.object({
      key_arn: z.string(),
      region: z.string(),
      jurisdiction: z.string(),
      mrk: z.boolean(),
      managed_by: z.string(),
      uses: z.number(),
      aliases: z.string(),
    }),
  ),
  mrk_groups: z.array(
    z.object({
      key_id: z.string(),
      regions: z.array(z.string()),
      first_region: z.string(),
      outside: z.array(z.string()),
    }),
  ),
  shares: z.array(
    ShareRow.extend({ trusted: z.enum(['yes', 'no', 'n/a']), status: z.enum(['pass', 'fail', 'unknown']) }),
  ),
  /** page one's picture: findings per jurisdiction of their region, by status */
  chart: z.object({
    svg_data_uri: z.string(),
    bars: z.array(
      z.object({ jurisdiction: z.string(), fail: z.number(), unknown: z.number(), pass: z.number() }),
    ),
  }),
});
export type ResidencyModel = z.infer<typeof ResidencyModel>;

/** A replication destination is a location of the data: name both buckets and the verdict. */
const replicationReason = (c: ResidencyCopyRow, verdict: string) =>
  `S3 replication (${c.status}) of bucket ${c.source_id ?? '?'} in ${c.source_region ?? '?'} / ${c.source_account ?? '?'} to bucket ${c.target_id ?? '?'} in ${c.target_region ?? 'an unknown region'} / ${c.target_account ?? '?'}: ${verdict}`;

const yn = (v: boolean | null): 'yes' | 'no' | 'n/a' => (v === null ? 'n/a' : v ? 'yes' : 'no');
const where = (region: string | null, account: string | null) => `${region ?? '?'} / ${account ?? '?'}`;

/** How the data got to a copy's destination: copied, replicated (a configuration), exported to S3. */
const verb = (c: ResidencyCopyRow) =>
  isKind(COPY_OUT_KINDS, c.kind)
    ? 'exported to an S3 bucket (its region and account are not in the record)'
    : isKind(RESTORE_KINDS, c.kind)
      ? 'restored in place'
      : c.status === 'active' || c.status === 'ended'
        ? `replicated (${c.status})`
        : 'copied';

export async function buildResidency(ctx: ReportContext, header: Header): Promise<ResidencyModel> {
  const banner = await buildBanner(ctx);
  const coverage = await CoverageIndex.load(ctx);
  const policy = new ResidencyPolicy(ctx.config, coverage.accounts());
  // the originals only, a row each; every artifact location is counted per region in SQL
  const originals = await ctx.all('reports/residency/artifacts', ArtifactRow, {
    until: ctx.window.until,
    originals: true,
  });
  const artifactRegions = await ctx.all('reports/residency/artifact_regions', ArtifactRegionRow, {
    until: ctx.window.until,
  });
  // every copy, for the hops of chains that began before the window; the window's own are judged
  const allCopies = chained(
    await ctx.all('reports/residency/copies', ResidencyCopyRow, { since: null, until: null }),
  );
  const { since, until } = ctx.window;
  const inWindow = (c: ResidencyCopyRow) =>
    (!since || (c.requested_at ?? '') >= since) && (!until || (c.requested_at ?? '') < until);
  // a replication puts data in its destination for as long as it stands, whenever it was configured
  const standsInWindow = (c: ResidencyCopyRow) =>
    c.kind === 's3_replication' &&
    (!until || (c.requested_at ?? '') < until) &&
    (!since || !c.ended_at || c.ended_at >= since);
  const copies = allCopies.filter((c) => inWindow(c) || standsInWindow(c));
  const keys = await ctx.all('reports/common/keys', KeyRow, ctx.range);
  const shares = await ctx.all('reports/common/shares', ShareRow, ctx.range);

  const byId = new Map(allCopies.map((c) => [c.copy_id, c]));
  // the stored chain, root first: every copy that carried the data to this one
  const chainOf = (c: ResidencyCopyRow) =>
    (c.chain ?? [])
      .map((id) => byId.get(id))
      .filter((hop): hop is ResidencyCopyRow => hop !== undefined)
      .map((hop) => ({
        copy_id: hop.copy_id,
        api: hop.api,
        from: `${hop.source_id ?? '?'} in ${where(hop.source_region, hop.source_account)}`,
        to: `${hop.target_id ?? '(not visible)'} in ${where(hop.target_region, hop.target_account)}`,
        principal_arn: hop.principal_arn,
        at: hop.requested_at,
      }));

  const status = (...verdicts: (boolean | null)[]): 'fail' | 'unknown' | 'pass' =>
    verdicts.includes(false) ? 'fail' : verdicts.includes(null) ? 'unknown' : 'pass';
  const findings: ResidencyModel['findings'] = [];
  // originals: where data was first written (snapshots, AMIs, DB snapshots made in place)
  // findings are built whole here, not each parsed: generate.ts checks the model once (41k
  // findings parsed twice were a tenth of the report's time)
  for (const a of originals) {
    const r = policy.region(a.region);
    findings.push({
      resource_arn: resourceArn(a.kind, a.arn ?? a.artifact_id, a.region, a.account_id),
      account_id: a.account_id,
      region: a.region,
      status: status(r.allowed),
      reason: `${a.kind} created in ${r.why}`,
      check: 'data_location',
      principal_arn: null,
      at: a.created_at,
      event_ids: a.created_event_id ? [a.created_event_id] : [],
      chain: [],
    });
  }
  // copies: the destination region and account
  for (const c of copies.filter((x) => x.status !== 'failed')) {
    const r = policy.region(c.target_region);
    const acct = policy.account(c.target_account);
    const s = status(r.allowed, acct.allowed);
    const reasons = [r, acct].filter((v) => v.allowed !== true).map((v) => v.why);
    findings.push({
      resource_arn: resourceArn(c.kind, c.target_arn ?? c.target_id, c.target_region, c.target_account),
      account_id: c.target_account,
      region: c.target_region,
      status: s,
      reason:
        c.kind === 's3_replication'
          ? replicationReason(c, s === 'pass' ? `${r.why} in a trusted account` : reasons.join('; '))
          : s === 'pass'
            ? `${verb(c)} by ${c.api} to ${r.why} in a trusted account`
            : `${verb(c)} by ${c.api} from ${where(c.source_region, c.source_account)}: ${reasons.join('; ')}`,
      check: 'copy_destination',
      principal_arn: c.principal_arn,
      at: c.requested_at,
      event_ids: [c.request_event_id],
      chain: s === 'pass' ? [] : chainOf(c),
    });
  }
  // every key a copy or an artifact carries besides the ones judged with its location
  const associated = await ctx.all('reports/residency/artifact_keys', ArtifactKeyRow, {
    until: ctx.window.until,
  });
  for (const f of judgeCarriedKeys(policy, copies, associated)) findings.push({ ...f, chain: [] });
  const shareRows = shares.map((s) => {
    const v = policy.share(s);
    const st = s.action === 'added' ? status(v.allowed) : 'pass';
    if (s.action === 'added') {
      findings.push({
        resource_arn: resourceArn(s.artifact_kind, s.artifact_id, s.region, s.from_account),
        account_id: s.from_account,
        region: s.region,
        status: st,
        reason: `shared with ${s.to_account === 'all' ? 'everyone' : s.to_account}: ${v.why}`,
        check: 'share',
        principal_arn: s.actor_arn,
        at: s.event_time,
        event_ids: [s.event_id],
        chain: [],
      });
    }
    return { ...s, trusted: yn(v.allowed), status: st };
  });
  // keys: where key material is; a multi-Region key's replicas put it in more than one place
  const mrk = new Map<string, { regions: Set<string>; first: string; firstAt: string }>();
  for (const k of keys) {
    const r = policy.region(k.region);
    if (k.mrk && k.key_id && k.region) {
      const g = mrk.get(k.key_id) ?? {
        regions: new Set<string>(),
        first: k.region,
        firstAt: k.first_used ?? '~',
      };
      g.regions.add(k.region);
      if ((k.first_used ?? '~') < g.firstAt) Object.assign(g, { first: k.region, firstAt: k.first_used });
      mrk.set(k.key_id, g);
    }
    // key material of single-region keys goes where the data already is (judged above); a
    // multi-Region key's replica puts the same material in another place on its own
    if (!k.mrk) continue;
    findings.push({
      resource_arn: k.key_arn,
      account_id: k.account_id,
      region: k.region,
      status: status(r.allowed),
      reason: `${k.mrk ? 'multi-Region key replica' : 'KMS key'} in ${r.why}`,
      check: 'key_location',
      principal_arn: null,
      at: k.last_used,
      event_ids: [],
      chain: [],
    });
  }

  const regionStats = new Map<string, { artifacts: number; copies_in: number; accounts: Set<string> }>();
  const stat = (region: string) => {
    const s = regionStats.get(region) ?? { artifacts: 0, copies_in: 0, accounts: new Set<string>() };
    regionStats.set(region, s);
    return s;
  };
  for (const a of artifactRegions) {
    const s = stat(a.region);
    s.artifacts += a.artifacts;
    for (const account of a.accounts) s.accounts.add(account);
  }
  for (const c of copies) if (c.target_region && c.status !== 'failed') stat(c.target_region).copies_in++;
  const byRegion = [...regionStats]
    .map(([region, s]) => {
      const info = regionInfo(region);
      return {
        region,
        name: info?.name ?? '(unknown region)',
        country: info?.country ?? '?',
        jurisdiction: info?.jurisdiction ?? '?',
        partition: info?.partition ?? '?',
        allowed: yn(policy.region(region).allowed),
        artifacts: s.artifacts,
        copies_in: s.copies_in,
        accounts: [...s.accounts].sort(),
      } as const;
    })
    .sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction) || a.region.localeCompare(b.region));
  const juris = new Map<string, { regions: string[]; artifacts: number }>();
  for (const r of byRegion) {
    const j = juris.get(r.jurisdiction) ?? { regions: [], artifacts: 0 };
    j.regions.push(r.region);
    j.artifacts += r.artifacts;
    juris.set(r.jurisdiction, j);
  }

  const sorted = sortFindings(findings) as ResidencyModel['findings'];
  const bars = new Map<string, { jurisdiction: string; fail: number; unknown: number; pass: number }>();
  for (const f of sorted) {
    // an S3 bucket's ARN names no region: such data sits where the records do not say
    const j = f.region ? (regionInfo(f.region)?.jurisdiction ?? `? (${f.region})`) : 'region not known';
    const b = bars.get(j) ?? { jurisdiction: j, fail: 0, unknown: 0, pass: 0 };
    b[f.status]++;
    bars.set(j, b);
  }
  const chartBars = [...bars.values()].sort(
    (a, b) => b.fail - a.fail || b.unknown - a.unknown || a.jurisdiction.localeCompare(b.jurisdiction),
  );
  // generate.ts checks the whole model against ResidencyModel once; checking it here too cost as much
  return {
    header,
    banner,
    policy: policy.describe(),
    summary: summarize(sorted),
    findings: sorted,
    by_region: byRegion,
    by_jurisdiction: [...juris].map(([jurisdiction, j]) => ({ jurisdiction, ...j })),
    keys: keys.map((k) => ({
      key_arn: k.key_arn,
      region: k.region ?? '?',
      jurisdiction: regionInfo(k.region)?.jurisdiction ?? '?',
      mrk: k.mrk,
      managed_by: k.aws_managed === null ? 'unknown' : k.aws_managed ? 'AWS' : 'customer',
      uses: k.uses,
      aliases: k.aliases.join(', '),
    })),
    mrk_groups: [...mrk].map(([key_id, g]) => ({
      key_id,
      regions: [...g.regions].sort(),
      first_region: g.first,
      outside: [...g.regions].filter((r) => r !== g.first).sort(),
    })),
    shares: shareRows,
    chart: {
      svg_data_uri: stackedBarChart(
        chartBars.map((b) => ({ label: b.jurisdiction, fail: b.fail, unknown: b.unknown, pass: b.pass })),
        'findings by jurisdiction of the region the data is in',
      ),
      bars: chartBars,
    },
  };
}
