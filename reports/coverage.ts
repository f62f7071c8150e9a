// The coverage banner every report opens with, and the coverage test DR uses: a requirement
// judged over an interval nobody ingested is unknown, never pass.
import { z } from 'zod';
import type { ReportContext } from './context.ts';
import { count, text, textOrNull } from './fields.ts';
import { type Banner, CoverageRow, GapRow } from './model.ts';

const DataWindow = z.object({
  first_event: textOrNull,
  last_event: textOrNull,
  events: count,
  coverage_end: textOrNull,
});
const DigestRow = z.object({ digest_status: text, api_page: z.boolean(), files: count });
/** What verify stores per log file; 'unchecked' means verify has not run on it. */
const FILE_STATUSES = ['valid', 'tampered', 'unverified', 'unchecked'] as const;
const Unit = z.object({
  account_id: text,
  region: text,
  window_start: text,
  window_end: text,
});

export async function dataWindow(ctx: Pick<ReportContext, 'one'>) {
  return ctx.one('reports/common/data_window', DataWindow);
}

export async function buildBanner(ctx: ReportContext): Promise<Banner> {
  const cells = await ctx.all('reports/common/coverage', CoverageRow, ctx.range);
  const gaps = await ctx.all('reports/common/coverage_gaps', GapRow, ctx.range);
  const digestRows = await ctx.all('reports/common/digest_status', DigestRow);
  const data = await dataWindow(ctx);
  const digests = { valid: 0, tampered: 0, unverified: 0, unchecked: 0, api_pages: 0 };
  for (const d of digestRows) {
    if (d.api_page) digests.api_pages += d.files;
    // a status this code does not know is not a pass
    else if ((FILE_STATUSES as readonly string[]).includes(d.digest_status))
      digests[d.digest_status as (typeof FILE_STATUSES)[number]] += d.files;
    else digests.unverified += d.files;
  }
  const total = digests.valid + digests.tampered + digests.unverified + digests.unchecked;
  const warnings: string[] = [];
  if (cells.length === 0)
    warnings.push('No ingest coverage overlaps this window: every requirement is unknown.');
  if (digests.tampered > 0)
    warnings.push(
      `${digests.tampered} log file(s) are contradicted by an authentic CloudTrail digest (modified or inserted): their events may be forged.`,
    );
  if (total > 0 && digests.valid < total)
    warnings.push(`${total - digests.valid} of ${total} log files are not proven by a valid digest.`);
  const errors = cells.reduce((n, c) => n + c.errors, 0);
  if (errors > 0)
    warnings.push(`${errors} fetch unit(s) failed to read; their accounts and regions are listed as gaps.`);
  const asOfLag = Date.parse(ctx.generatedAt) - Date.parse(ctx.window.asOf);
  if (asOfLag > 2 * 86400_000) {
    warnings.push(
      `Evaluated as of ${ctx.window.asOf}, ${Math.floor(asOfLag / 86400_000)} days before this report was generated: ingested data ends there.`,
    );
  }
  return {
    accounts: [...new Set(cells.map((c) => c.account_id))].sort(),
    regions: [...new Set(cells.map((c) => c.region))].sort(),
    first_event: data.first_event,
    last_event: data.last_event,
    events: data.events,
    cells,
    gaps,
    gaps_truncated: gaps.length >= 500,
    digests,
    digest_summary: `${
      total === 0
        ? 'no log files'
        : `${digests.valid} valid, ${digests.tampered} tampered, ${digests.unverified} unverified, ${digests.unchecked} unchecked`
    }${digests.api_pages > 0 ? `; ${digests.api_pages} API pages, not covered by digests` : ''}`,
    warnings,
  };
}

/** Readable intervals per account and region, merged, for "was this interval ingested?" */
export class CoverageIndex {
  private constructor(private readonly byCell: Map<string, [number, number][]>) {}

  static async load(ctx: ReportContext): Promise<CoverageIndex> {
    const units = await ctx.all('reports/common/coverage_units', Unit);
    const byCell = new Map<string, [number, number][]>();
    for (const u of units) {
      const key = `${u.account_id}/${u.region}`;
      const list = byCell.get(key) ?? [];
      list.push([Date.parse(u.window_start), Date.parse(u.window_end)]);
      byCell.set(key, list);
    }
    for (const list of byCell.values()) {
      list.sort((a, b) => a[0] - b[0]);
      const merged: [number, number][] = [];
      for (const iv of list) {
        const last = merged.at(-1);
        if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
        else merged.push([iv[0], iv[1]]);
      }
      list.splice(0, list.length, ...merged);
    }
    return new CoverageIndex(byCell);
  }

  /** true when [from, to) is wholly inside what was read for this account and region */
  covers(account: string, region: string, from: number, to: number): boolean {
    const list = this.byCell.get(`${account}/${region}`);
    if (!list) return false;
    return list.some(([s, e]) => s <= from && e >= to);
  }

  /** true when some region of this account (other than `except`) was read over all of [from, to) */
  coversAnyRegion(account: string, from: number, to: number, except?: string | null): boolean {
    for (const [key, list] of this.byCell) {
      const [a, region] = key.split('/');
      if (a !== account || region === except) continue;
      if (list.some(([s, e]) => s <= from && e >= to)) return true;
    }
    return false;
  }

  accounts(): Set<string> {
    return new Set([...this.byCell.keys()].map((k) => k.split('/')[0]!));
  }
}
