// A report's findings as CSV for a spreadsheet or an auditor's script: a header row, then one row per
// finding, RFC 4180 (CRLF line ends, a field quoted when it holds a quote, comma, CR or LF, quotes
// doubled). Record text is attacker-controlled, so no cell may start like a formula.
import type { FindingRecord, FindingsRun } from './records.ts';

export const CSV_COLUMNS = [
  'report',
  'finding_id',
  'status',
  'severity',
  'check',
  'resource',
  'account',
  'region',
  'jurisdiction',
  'requirement',
  'principal',
  'at',
  'message',
  'evidence',
] as const;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or their full-width forms) as a formula, and
 * tab or CR can hide such a start: any cell starting with one of them gets a leading apostrophe,
 * which spreadsheets show as text and scripts can strip (it never starts a value of ours).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function csvCell(value: string | null): string {
  const s = value ?? '';
  const safe = FORMULA_START.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function row(r: FindingRecord): string[] {
  return [
    r.report,
    r.id,
    r.status.toUpperCase(),
    r.severity,
    r.check,
    r.resource,
    r.account,
    r.region,
    r.jurisdiction,
    r.requirement,
    r.principal,
    r.at,
    r.message,
    r.evidence.join(' '),
  ].map(csvCell);
}

export function renderCsv(run: FindingsRun): string {
  return [CSV_COLUMNS.map(csvCell), ...run.records.map(row)]
    .map((cells) => `${cells.join(',')}\r\n`)
    .join('');
}
