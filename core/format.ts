// Renders query rows for a terminal (table), for programs (json) and for spreadsheets (csv).
export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function csvCell(value: unknown): string {
  const s = cell(value);
  // a leading = + - @ would run as a formula in a spreadsheet: record text is attacker-controlled
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function formatRows(columns: string[], rows: Record<string, unknown>[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'csv') {
    return [
      columns.map(csvCell).join(','),
      ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')),
    ].join('\n');
  }
  const body = rows.map((r) => columns.map((c) => cell(r[c])));
  return `${textTable(columns, body, 60)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})`;
}

/**
 * Aligned columns for a terminal. Control characters in record text are blanked so they cannot
 * move the cursor; cells longer than maxWidth are clipped.
 */
export function textTable(columns: string[], body: string[][], maxWidth = Number.POSITIVE_INFINITY): string {
  const clip = (s: string) => {
    const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
    return clean.length > maxWidth ? `${clean.slice(0, maxWidth - 1)}…` : clean;
  };
  const cells = body.map((row) => row.map(clip));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
