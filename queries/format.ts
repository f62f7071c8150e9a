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
  const maxWidth = 60;
  // control characters in record text must not move the terminal's cursor
  const clip = (s: string) => {
    const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
    return clean.length > maxWidth ? `${clean.slice(0, maxWidth - 1)}…` : clean;
  };
  const body = rows.map((r) => columns.map((c) => clip(cell(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const parts = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  parts.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return parts.join('\n');
}
