// dr_coverage: can each protected resource be restored elsewhere? For every resource (the volumes
// and DBs seen being snapshotted, narrowed by each requirement's selector) and every required DR
// region/account, the newest copy there, its age against the RPO, its key, its mechanism and the
// events that prove it. A requirement over an interval nobody ingested is unknown, never pass.
import { z } from 'zod';
import type { Requirement } from '../../core/config.ts';
import { COPY_OUT_KINDS, isKind, RESTORE_KINDS } from '../../core/copy-kinds.ts';
import type { ReportContext } from '../context.ts';
import { buildBanner, CoverageIndex } from '../coverage.ts';
import { text, textOrNull } from '../fields.ts';
import { Banner, Finding, Header, STATUS_RANK, Status, Summary, sortFindings, summarize } from '../model.ts';
import { CopyRow, chained, resourceArn } from '../rows.ts';
import { ageChart } from '../svg.ts';
import { S3_REQUIREMENT, s3ReplicationRows } from './s3.ts';

/** DocumentDB and Neptune are families of their own, though they snapshot and copy through RDS calls. */
const Family = z.enum(['ebs', 'rds', 'docdb', 'neptune', 'fsx', 'efs', 'dynamodb', 'redshift']);

const ResourceSnapshot = z.object({
  resource_id: text,
  family: Family,
  account_id: textOrNull,
  region: textOrNull,
  snapshot_id: text,
  created_at: textOrNull,
  tags: textOrNull,
});

interface Resource {
  id: string;
  family: z.infer<typeof Family>;
  account: string | null;
  region: string | null;
  snapshots: string[];
  lastSnapshot: string | null;
  tags: Map<string, Set<string>>;
}

interface Target {
  region: string | null;
  account: string | null;
  /** the built-in default: any region but the resource's own */
  otherRegion: boolean;
}

const Row = z.object({
  requirement: text,
  resource_id: text,
  family: text,
  account_id: textOrNull,
  region: textOrNull,
  target: text,
  rpo: text,
  status: Status,
  reason: text,
  copy_id: textOrNull,
  copy_target: textOrNull,
  copied_at: textOrNull,
  age: textOrNull,
  age_hours: z.number().nullable(),
  rpo_hours: z.number(),
  mechanism: textOrNull,
  key_arn: textOrNull,
  key_owner: textOrNull,
  evidence_event_ids: z.array(text),
});

export const DrCoverageModel = z.object({
  header: Header,
  banner: Banner,
  summary: Summary,
  coverage_pct: z.number(),
  requirements: z.array(
    z.object({
      id: text,
      description: text,
      targets: text,
      rpo: text,
      key: text,
      resources: z.number(),
    }),
  ),
  rows: z.array(Row),
  chart: z.object({ svg_data_uri: text, shown: z.number(), total: z.number() }),
  findings: z.array(Finding),
});
export type DrCoverageModel = z.infer<typeof DrCoverageModel>;

/** When no requirement is configured: every resource needs a copy in another region within a day. */
export const DEFAULT_REQUIREMENT: Requirement = {
  id: 'cross_region_daily',
  description: 'Built-in default: a copy in any other region within 24 hours (no requirement configured).',
  select: { accounts: [], regions: [], resource_ids: [], tags: {}, kinds: [] },
  dr_regions: [],
  dr_accounts: [],
  rpo: 86400,
  key: { customer_managed: false, owned_by_dr_account: false },
};

export function formatDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')}h`;
  return `${(seconds / 86400).toFixed(1).replace(/\.0$/, '')}d`;
}

function targetsOf(req: Requirement): Target[] {
  if (req === DEFAULT_REQUIREMENT) return [{ region: null, account: null, otherRegion: true }];
  const regions = req.dr_regions.length ? req.dr_regions : [null];
  const accounts = req.dr_accounts.length ? req.dr_accounts : [null];
  return regions.flatMap((region) => accounts.map((account) => ({ region, account, otherRegion: false })));
}

const targetText = (t: Target) => {
  if (t.otherRegion) return 'any other region';
  if (t.region && t.account) return `${t.region} in account ${t.account}`;
  return t.region ?? `account ${t.account} (any region)`;
};

function selected(r: Resource, req: Requirement): boolean {
  const s = req.select;
  if (s.accounts.length && !s.accounts.includes(r.account ?? '')) return false;
  if (s.regions.length && !s.regions.includes(r.region ?? '')) return false;
  if (s.kinds.length && !s.kinds.includes(r.family)) return false;
  if (s.resource_ids.length && !s.resource_ids.some((id) => id === r.id || r.snapshots.includes(id)))
    return false;
  for (const [k, v] of Object.entries(s.tags)) if (!r.tags.get(k)?.has(v)) return false;
  return true;
}

function parseTags(json: string | null): [string, string][] {
  if (!json) return [];
  try {
    const list = JSON.parse(json) as unknown;
    if (!Array.isArray(list)) return [];
    return list.flatMap((t) => {
      const o = t as Record<string, unknown>;
      const k = o.key ?? o.Key;
      const v = o.value ?? o.Value;
      return typeof k === 'string' ? [[k, typeof v === 'string' ? v : ''] as [string, string]] : [];
    });
  } catch {
    return [];
  }
}

export async function buildDrCoverage(ctx: ReportContext, header: Header): Promise<DrCoverageModel> {
  const banner = await buildBanner(ctx);
  const coverage = await CoverageIndex.load(ctx);
  const asOf = Date.parse(ctx.window.asOf);
  const snaps = await ctx.all('reports/dr_coverage/resources', ResourceSnapshot, { until: ctx.window.asOf });
  // every copy up to the as-of instant counts, however old: the newest one is what is judged
  const copies = chained(
    await ctx.all('reports/common/copies', CopyRow, { since: null, until: ctx.window.asOf, copy_ids: null }),
  );

  const resources = new Map<string, Resource>();
  for (const s of snaps) {
    const r: Resource = resources.get(s.resource_id) ?? {
      id: s.resource_id,
      family: s.family,
      account: s.account_id,
      region: s.region,
      snapshots: [],
      lastSnapshot: null,
      tags: new Map(),
    };
    r.snapshots.push(s.snapshot_id);
    if (s.created_at && (!r.lastSnapshot || s.created_at > r.lastSnapshot)) r.lastSnapshot = s.created_at;
    for (const [k, v] of parseTags(s.tags)) r.tags.set(k, (r.tags.get(k) ?? new Set()).add(v));
    resources.set(s.resource_id, r);
  }
  const copiesOf = new Map<string, CopyRow[]>();
  for (const c of copies) {
    if (!c.resource_id || c.status === 'failed' || !c.target_region) continue;
    // an export is not a restorable copy, a restore is no copy elsewhere, and a replication that was
    // switched off no longer keeps its destination current
    if (isKind(COPY_OUT_KINDS, c.kind) || isKind(RESTORE_KINDS, c.kind) || c.status === 'ended') continue;
    // a copy deleted by the as-of instant is no restore point: AWS Backup's temporary backup, deleted
    // once copied into a logically air-gapped vault, counts only as the vault's copy
    if (c.target_deleted_at && Date.parse(c.target_deleted_at) <= asOf) continue;
    const list = copiesOf.get(c.resource_id) ?? [];
    list.push(c);
    copiesOf.set(c.resource_id, list);
  }

  const requirements = ctx.config.dr.requirements.length ? ctx.config.dr.requirements : [DEFAULT_REQUIREMENT];
  const rows: z.infer<typeof Row>[] = [];
  const reqSummary: DrCoverageModel['requirements'] = [];
  for (const req of requirements) {
    const chosen = [...resources.values()]
      .filter((r) => selected(r, req))
      .sort((a, b) => a.id.localeCompare(b.id));
    const targets = targetsOf(req);
    reqSummary.push({
      id: req.id,
      description: req.description,
      targets: targets.map(targetText).join('; '),
      rpo: formatDuration(req.rpo),
      key:
        [
          req.key.customer_managed ? 'customer-managed key' : null,
          req.key.owned_by_dr_account ? 'key owned by the DR account' : null,
        ]
          .filter(Boolean)
          .join(', ') || 'any key',
      resources: chosen.length,
    });
    for (const r of chosen) {
      for (const t of targets) {
        const candidates = (copiesOf.get(r.id) ?? []).filter(
          (c) =>
            (t.otherRegion
              ? c.target_region !== r.region
              : c.target_region === t.region || t.region === null) &&
            (t.account === null || c.target_account === t.account),
        );
        const newest = candidates.reduce<CopyRow | null>(
          (best, c) => (!best || (c.requested_at ?? '') > (best.requested_at ?? '') ? c : best),
          null,
        );
        const cellAccount = t.account ?? r.account ?? '';
        const from = asOf - req.rpo * 1000;
        // where the proof would be logged: the copier's trail in the target region; with no region
        // named, any region of that account read over the whole RPO window
        const covered = t.region
          ? coverage.covers(cellAccount, t.region, from, asOf)
          : coverage.coversAnyRegion(cellAccount, from, asOf, t.otherRegion ? r.region : null);
        const problems: string[] = [];
        let unknownWhy: string | null = null;
        let ageS: number | null = null;
        if (!newest) {
          problems.push(`no copy in ${targetText(t)}`);
        } else if (newest.status === 'active') {
          // an active replication keeps its destination current: its age is judged as of now
          ageS = 0;
        } else {
          ageS = Math.max(0, (asOf - Date.parse(newest.requested_at ?? '')) / 1000);
          if (ageS > req.rpo)
            problems.push(
              `newest copy is ${formatDuration(ageS)} old, over the ${formatDuration(req.rpo)} RPO`,
            );
          if (req.key.customer_managed) {
            if (newest.target_key_aws_managed === true)
              problems.push('its key is AWS-managed, not customer-managed');
            else if (newest.target_key_aws_managed === null)
              unknownWhy = 'its key was not seen in any KMS record';
          }
          if (req.key.owned_by_dr_account) {
            const owners: (string | null)[] = req.dr_accounts.length
              ? req.dr_accounts
              : [newest.target_account];
            if (!newest.target_key_account) unknownWhy = 'the owner of its key is not known';
            else if (!owners.includes(newest.target_key_account))
              problems.push(`its key belongs to ${newest.target_key_account}, not the DR account`);
          }
          if (newest.status === 'requested' && newest.kms_certain === 0 && !problems.length)
            unknownWhy =
              unknownWhy ??
              'the copy was requested but nothing shows it was made (no KMS evidence, no completion)';
        }
        let status: Status;
        let reason: string;
        if (problems.length === 0 && !unknownWhy) {
          status = 'pass';
          reason =
            newest?.status === 'active'
              ? `replication active since ${newest.requested_at ?? '?'} (${newest.api}), not switched off since`
              : `copy ${formatDuration(ageS ?? 0)} old, within the ${formatDuration(req.rpo)} RPO`;
        } else if (!covered && (problems.length > 0 || unknownWhy)) {
          // not proven, and the trail that would hold the proof was not (wholly) ingested
          status = 'unknown';
          reason = `${[...problems, unknownWhy].filter(Boolean).join('; ')}; and ${
            t.region
              ? `the trail of ${cellAccount} in ${t.region} was not ingested for the whole RPO window`
              : `no region of ${cellAccount}'s trail was ingested for the whole RPO window`
          }`;
        } else if (problems.length) {
          status = 'fail';
          reason = problems.join('; ');
        } else {
          status = 'unknown';
          reason = unknownWhy!;
        }
        rows.push({
          requirement: req.id,
          resource_id: r.id,
          family: r.family,
          account_id: r.account,
          region: r.region,
          target: targetText(t),
          rpo: formatDuration(req.rpo),
          status,
          reason,
          copy_id: newest?.copy_id ?? null,
          copy_target: newest
            ? `${newest.target_id ?? '?'} in ${newest.target_region} / ${newest.target_account ?? '?'}`
            : null,
          copied_at: newest?.requested_at ?? null,
          age: ageS === null ? null : formatDuration(ageS),
          age_hours: ageS === null ? null : Math.round((ageS / 3600) * 10) / 10,
          rpo_hours: req.rpo / 3600,
          mechanism: newest?.mechanism ?? null,
          key_arn: newest?.target_key_arn ?? null,
          key_owner: newest
            ? newest.target_key_aws_managed === null
              ? 'unknown'
              : `${newest.target_key_aws_managed ? 'AWS-managed' : 'customer-managed'}, ${newest.target_key_account ?? '?'}`
            : null,
          evidence_event_ids: newest ? [newest.request_event_id, ...newest.evidence_event_ids] : [],
        });
      }
    }
  }
  const s3Rows = s3ReplicationRows(copies, ctx.window.asOf);
  if (s3Rows.length) {
    rows.push(...s3Rows);
    reqSummary.push({
      id: S3_REQUIREMENT,
      description: 'S3 buckets with a replication configuration: a standing replication to another region.',
      targets: 'any other region',
      rpo: 'continuous',
      key: 'any key',
      resources: s3Rows.length,
    });
  }
  rows.sort(
    (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || (b.age_hours ?? 1e9) - (a.age_hours ?? 1e9),
  );
  const findings = sortFindings(
    rows.map((r) =>
      Finding.parse({
        resource_arn: resourceArn(
          r.family === 'ebs'
            ? 'volume'
            : r.family === 'rds'
              ? 'rds_db'
              : r.family === 's3'
                ? 's3_bucket'
                : r.family,
          r.resource_id,
          r.region,
          r.account_id,
        ),
        account_id: r.account_id,
        region: r.region,
        status: r.status,
        reason: `${r.requirement} → ${r.target}: ${r.reason}`,
        check: r.requirement,
        at: r.copied_at,
        event_ids: r.evidence_event_ids,
      }),
    ),
  );
  const summary = summarize(findings);
  // page one holds the chart: the worst rows, as many as stay legible there
  const chartRows = rows.slice(0, 18);
  return DrCoverageModel.parse({
    header,
    banner,
    summary,
    coverage_pct: summary.total ? Math.round((summary.pass / summary.total) * 1000) / 10 : 0,
    requirements: reqSummary,
    rows,
    chart: {
      svg_data_uri: ageChart(
        chartRows.map((r) => ({
          label: `${r.resource_id} → ${r.target}`,
          ageHours: r.age_hours,
          rpoHours: r.rpo_hours,
          status: r.status,
        })),
      ),
      shown: chartRows.length,
      total: rows.length,
    },
    findings,
  });
}
