// Pictures in reports: a bar chart of copy age against the RPO, and the lineage graph laid out by
// Graphviz compiled to WebAssembly (offline). Both are embedded as data: URIs in <img>, where an
// SVG can neither run script nor load anything, whatever text a record smuggled into a label.
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { Status } from './model.ts';

/** Escapes text for HTML or XML element content and quoted attributes. */
export const escapeMarkup = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
// control characters are not allowed in XML 1.0 at all
const printable = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');

export const svgDataUri = (svg: string) =>
  `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;

export interface AgeBar {
  label: string;
  ageHours: number | null;
  rpoHours: number;
  status: Status;
}

const COLORS = { pass: '#2e7d32', fail: '#c62828', unknown: '#9e9e9e' } as const;

/** Horizontal bars: copy age per resource and target, with each row's RPO marked. */
export function ageChart(bars: AgeBar[]): string {
  const rowH = 18;
  const labelW = 380;
  const plotW = 380;
  const top = 24;
  const height = top + Math.max(1, bars.length) * rowH + 28;
  const max = Math.max(1, ...bars.map((b) => Math.max(b.ageHours ?? 0, b.rpoHours))) * 1.05;
  const x = (h: number) => labelW + (Math.min(h, max) / max) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 20}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="10">`,
    `<text x="${labelW}" y="14" fill="#333">age of the newest copy (hours); black tick = RPO; grey = no copy</text>`,
  ];
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const label = b.label.length > 60 ? `${b.label.slice(0, 59)}…` : b.label;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end" fill="#222">${escapeMarkup(printable(label))}</text>`,
    );
    const w = b.ageHours === null ? plotW : Math.max(1, x(b.ageHours) - labelW);
    const fill = b.ageHours === null ? '#e0e0e0' : COLORS[b.status];
    parts.push(
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${fill}"/>`,
    );
    const rx = x(b.rpoHours).toFixed(1);
    parts.push(
      `<line x1="${rx}" x2="${rx}" y1="${y + 1}" y2="${y + rowH - 1}" stroke="#000" stroke-width="2"/>`,
    );
    if (b.ageHours !== null) {
      parts.push(`<text x="${labelW + w + 4}" y="${y + 12}" fill="#444">${b.ageHours}</text>`);
    }
  });
  const axisY = top + Math.max(1, bars.length) * rowH + 4;
  parts.push(`<line x1="${labelW}" x2="${labelW + plotW}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`);
  for (let i = 0; i <= 4; i++) {
    const h = (max * i) / 4;
    parts.push(
      `<text x="${x(h).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" fill="#666">${Math.round(h)}</text>`,
    );
  }
  parts.push('</svg>');
  return svgDataUri(parts.join(''));
}

export interface GraphEdge {
  from: { id: string; region: string; account: string };
  to: { id: string; region: string; account: string };
  label: string;
  flagged: boolean;
  failed: boolean;
}

// DOT strings: each line escaped, then joined with DOT's own line break; Graphviz writes labels into
// the SVG as escaped text
const dotLabel = (...lines: string[]) =>
  `"${lines
    .map((l) =>
      printable(l)
        .replaceAll('\\', '\\\\')
        .replaceAll('"', '\\"')
        .replace(/[\r\n]/g, ' '),
    )
    .join('\\n')}"`;

let graphviz: Promise<Graphviz> | null = null;

/** Lays out the copy graph; nodes are artifact locations, edges are copies. */
export async function lineageGraph(edges: GraphEdge[]): Promise<string> {
  graphviz ??= Graphviz.load();
  const gv = await graphviz;
  const lines = [
    'digraph lineage {',
    '  rankdir=LR; bgcolor="white"; pad=0.2;',
    '  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", color="#90a4ae", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, color="#546e7a"];',
  ];
  const node = (n: GraphEdge['from']) => dotLabel(n.id, `${n.region} / ${n.account}`);
  for (const e of edges) {
    const style = e.failed ? 'style=dashed, color="#9e9e9e"' : e.flagged ? 'color="#c62828", penwidth=2' : '';
    lines.push(
      `  ${node(e.from)} -> ${node(e.to)} [label=${dotLabel(...e.label.split('\n'))}${style ? `, ${style}` : ''}];`,
    );
  }
  if (edges.length === 0) lines.push('  empty [label="no copies", shape=plaintext];');
  lines.push('}');
  const svg = gv.dot(lines.join('\n'));
  return svgDataUri(svg);
}
