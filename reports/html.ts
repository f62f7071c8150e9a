// HTML: the report's view model laid out by its Handlebars template (compiled strict, always
// escaping). Shared fragments are partials in templates/partials/. What a page shows is bounded
// whatever the store's size: failures up to a cap, long tables cut to their top rows with the total
// stated, passing findings summarised; the JSON view carries everything.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { z } from 'zod';
import { type Banner, type Finding, type Status, type Summary, verdict } from './model.ts';

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

/**
 * The caps a rendered page holds to: every one is stated on the page where it cuts. A listed finding
 * costs about 6 kB of PDF (a page holds five or six): these keep a report near 50 pages and under 2 MB.
 */
export const CAPS = {
  /** fail and unknown findings (or DR rows) listed, fail first */
  failing: 200,
  /** passing findings listed in the appendix, after their summary per check and region */
  passing: 25,
  /** rows of any other table (regions, keys, shares, KMS use, summaries) */
  table: 50,
  /** events of the forensics timeline (the JSON holds up to forensics TIMELINE_LIMIT) */
  timeline: 100,
  /** coverage cells and gaps in the coverage appendix */
  coverage: 50,
  /** accounts and regions named on page one */
  scope: 12,
} as const;

let hbs: typeof Handlebars | null = null;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Where an id may wrap: after these characters only, never inside a token. */
const ID_BREAKS = /([:/\-._])/g;
/**
 * Ids shorter than this get no break point: they fit any column whole, and every <wbr> splits the
 * PDF's text into one more run (on 20k copies, a third of the PDF's bytes).
 */
export const WRAP_FROM = 40;
const breakable = (s: string) => (s.length < WRAP_FROM ? s : s.replace(ID_BREAKS, '$1<wbr>'));

/**
 * An id or ARN for a table cell: escaped, then a <wbr> after each `:` `/` `-` `.` `_`, so a line
 * break, if one is needed at all, falls between the id's parts and never splits one of them.
 */
export function idMarkup(value: unknown): Handlebars.SafeString {
  if (value === null || value === undefined) return new Handlebars.SafeString('');
  const text = String(value);
  // escapeExpression's entities hold none of the break characters, so none is split
  const escaped = Handlebars.escapeExpression(text);
  return new Handlebars.SafeString(text.length < WRAP_FROM ? escaped : escaped.replace(ID_BREAKS, '$1<wbr>'));
}

/**
 * Free text that names ids (a finding's reason, a copy chain's hop): escaped, and each word that
 * holds a break character kept whole on a line the same way an id cell is.
 */
export function proseMarkup(value: unknown): Handlebars.SafeString {
  if (value === null || value === undefined) return new Handlebars.SafeString('');
  const escaped = Handlebars.escapeExpression(String(value));
  return new Handlebars.SafeString(
    escaped.replace(/[^\s]*[:/\-._][^\s]*/g, (w) => `<span class="tok">${breakable(w)}</span>`),
  );
}

const number = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? ''));

function engine(): typeof Handlebars {
  if (hbs) return hbs;
  const h = Handlebars.create();
  const dir = join(TEMPLATES_DIR, 'partials');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.hbs'))) {
    h.registerPartial(f.replace(/\.hbs$/, ''), readFileSync(join(dir, f), 'utf8'));
  }
  h.registerHelper('id', idMarkup);
  h.registerHelper('prose', proseMarkup);
  h.registerHelper('n', number);
  hbs = h;
  return h;
}

export function template(id: string): HandlebarsTemplateDelegate {
  let t = compiled.get(id);
  if (!t) {
    const text = readFileSync(join(TEMPLATES_DIR, `${id}.hbs`), 'utf8');
    t = engine().compile(text, { strict: true, noEscape: false });
    compiled.set(id, t);
  }
  return t;
}

/** A table cut to its first `cap` rows, with what the page says about the cut. */
export interface Capped<T> {
  rows: T[];
  shown: number;
  total: number;
  more: number;
}

export function capped<T>(rows: T[], cap: number): Capped<T> {
  const shown = rows.slice(0, cap);
  return { rows: shown, shown: shown.length, total: rows.length, more: rows.length - shown.length };
}

/** Passing rows counted per check and region: the summary that stands in for listing each. */
export function passSummary(
  rows: { check: string; region: string | null }[],
): { check: string; region: string; count: number }[] {
  const by = new Map<string, { check: string; region: string; count: number }>();
  for (const r of rows) {
    const key = `${r.check}\u0000${r.region ?? ''}`;
    const s = by.get(key) ?? { check: r.check, region: r.region ?? '(not known)', count: 0 };
    s.count++;
    by.set(key, s);
  }
  return [...by.values()].sort(
    (a, b) => b.count - a.count || a.check.localeCompare(b.check) || a.region.localeCompare(b.region),
  );
}

type AnyFinding = Finding & { chain?: unknown[]; flags?: string[] };
type Model = { summary: z.infer<typeof Summary>; findings: AnyFinding[] } & Record<string, unknown>;

const STATUS_ORDER: Status[] = ['fail', 'unknown', 'pass'];
const byStatus = <T extends { status: Status }>(rows: T[]) =>
  [...rows].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));

/** What every report's page one and appendix show, from its full view model. */
function pageOf(model: Model) {
  const v = verdict(model.summary);
  const failing = model.findings.filter((f) => f.status !== 'pass');
  const passing = model.findings.filter((f) => f.status === 'pass');
  const b = model.banner as Banner;
  return {
    verdict: v.verdict.toLowerCase(),
    verdict_line: v.line,
    accounts: capped(b.accounts, CAPS.scope),
    regions: capped(b.regions, CAPS.scope),
    gaps: capped(b.gaps, CAPS.coverage),
    gap_accounts: new Set(b.gaps.map((g) => g.account_id)).size,
    gap_regions: new Set(b.gaps.map((g) => g.region)).size,
    cells: capped(b.cells, CAPS.coverage),
    failing: capped(
      failing.map((f) => ({ chain: [], flags: [], ...f })),
      CAPS.failing,
    ),
    passing: capped(
      passing.map((f) => ({ chain: [], flags: [], ...f })),
      CAPS.passing,
    ),
    pass_summary: capped(passSummary(passing), CAPS.table),
    caps: CAPS,
  };
}

/** Per report: its long tables cut to the rows that matter most, the rest left to the JSON. */
const TABLES: Record<string, (model: Record<string, unknown>) => Record<string, Capped<unknown>>> = {
  residency: (m) => {
    const keys = [...(m.keys as { uses: number; mrk: boolean }[])].sort(
      (a, b) => Number(b.mrk) - Number(a.mrk) || b.uses - a.uses,
    );
    return {
      by_region: capped(m.by_region as unknown[], CAPS.table),
      by_jurisdiction: capped(m.by_jurisdiction as unknown[], CAPS.table),
      keys: capped(keys, CAPS.table),
      mrk_groups: capped(m.mrk_groups as unknown[], CAPS.table),
      shares: capped(byStatus(m.shares as { status: Status }[]), CAPS.table),
    };
  },
  dr_coverage: (m) => {
    const rows = m.rows as { status: Status; requirement: string; region: string | null }[];
    const failing = rows.filter((r) => r.status !== 'pass');
    const passing = rows.filter((r) => r.status === 'pass');
    return {
      requirements: capped(m.requirements as unknown[], CAPS.table),
      failing_rows: capped(failing, CAPS.failing),
      passing_rows: capped(passing, CAPS.passing),
      passing_by_requirement: capped(
        passSummary(passing.map((r) => ({ check: r.requirement, region: r.region }))),
        CAPS.table,
      ),
    };
  },
  forensics: (m) => {
    const copies = m.copies as { flags: string[] }[];
    return {
      // the flagged ones are also listed under Failures: half the failing cap keeps the PDF in bounds
      copies: capped(
        [...copies.filter((c) => c.flags.length), ...copies.filter((c) => !c.flags.length)],
        CAPS.failing / 2,
      ),
      kms_use: capped(
        [...(m.kms_use as { flag: string | null }[])].sort((a, b) => Number(!!b.flag) - Number(!!a.flag)),
        CAPS.table,
      ),
      shares: capped(
        [...(m.shares as { flag: string | null }[])].sort((a, b) => Number(!!b.flag) - Number(!!a.flag)),
        CAPS.table,
      ),
      timeline: capped(m.timeline as unknown[], CAPS.timeline),
    };
  },
};

/** Renders a report's model to a self-contained HTML page. */
export function renderHtml(id: string, model: Model): string {
  return template(id)({
    ...model,
    page: pageOf(model),
    tables: TABLES[id]?.(model) ?? {},
  });
}
