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

/** Rough advance width of `text` at `fontSize` in Helvetica: enough to keep labels apart. */
export const textWidth = (text: string, fontSize: number) => text.length * fontSize * 0.6;

/**
 * Axis ticks at round values (1, 2 or 5 times a power of ten) from 0 past `max`, as many as fit
 * `plotWidth` with each label at least its own width plus a gap from the next.
 */
export function niceTicks(max: number, plotWidth: number, fontSize: number): number[] {
  const top = Math.max(max, 1);
  for (let count = 10; count >= 1; count--) {
    const raw = top / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
    const ticks: number[] = [];
    for (let v = 0; v <= top + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    const px = (step / top) * plotWidth;
    const widest = Math.max(...ticks.map((t) => textWidth(formatTick(t), fontSize)));
    if (px >= widest + 8 || count === 1) return ticks;
  }
  return [0, top];
}

const formatTick = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : String(v));

/** Horizontal bars: copy age per resource and target, with each row's RPO marked. */
export function ageChart(bars: AgeBar[]): string {
  const rowH = 18;
  const labelW = 380;
  const plotW = 380;
  const top = 24;
  const fontSize = 10;
  const height = top + Math.max(1, bars.length) * rowH + 28;
  const longest = Math.max(1, ...bars.map((b) => Math.max(b.ageHours ?? 0, b.rpoHours)));
  // ages past four days read better in days
  const unit = longest > 96 ? { name: 'days', per: 24 } : { name: 'hours', per: 1 };
  const ticks = niceTicks((longest * 1.05) / unit.per, plotW, fontSize);
  const max = ticks.at(-1)! * unit.per;
  const x = (h: number) => labelW + (Math.min(h, max) / max) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 40}" height="${height}" viewBox="0 0 ${labelW + plotW + 40} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="${fontSize}">`,
    `<text x="${labelW}" y="14" fill="#333">age of the newest copy (${unit.name}); black tick = RPO; grey = no copy</text>`,
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
      // the value sits past the bar, or inside it when the bar reaches the end of the axis
      const v = formatTick(Math.round((b.ageHours / unit.per) * 10) / 10);
      const inside = labelW + w + 4 + textWidth(v, fontSize) > labelW + plotW + 38;
      parts.push(
        inside
          ? `<text x="${(labelW + w - 4).toFixed(1)}" y="${y + 12}" text-anchor="end" fill="#fff">${v}</text>`
          : `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 12}" fill="#444">${v}</text>`,
      );
    }
  });
  const axisY = top + Math.max(1, bars.length) * rowH + 4;
  parts.push(`<line x1="${labelW}" x2="${labelW + plotW}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`);
  for (const t of ticks) {
    parts.push(
      `<text class="tick" x="${x(t * unit.per).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" fill="#666">${formatTick(t)}</text>`,
    );
  }
  parts.push('</svg>');
  return svgDataUri(parts.join(''));
}

export interface StackedBar {
  label: string;
  pass: number;
  fail: number;
  unknown: number;
}

/** Horizontal stacked bars: findings per jurisdiction, split by status (fail, unknown, pass). */
export function stackedBarChart(bars: StackedBar[], title: string): string {
  const rowH = 22;
  const labelW = 150;
  const plotW = 480;
  const top = 40;
  const fontSize = 10;
  const height = top + Math.max(1, bars.length) * rowH + 30;
  const width = labelW + plotW + 190;
  const total = (b: StackedBar) => b.pass + b.fail + b.unknown;
  const ticks = niceTicks(Math.max(1, ...bars.map(total)), plotW, fontSize);
  const max = ticks.at(-1)!;
  const w = (n: number) => (n / max) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="${fontSize}">`,
    `<text x="${labelW}" y="14" fill="#333">${escapeMarkup(printable(title))}</text>`,
  ];
  let lx = labelW;
  for (const s of ['fail', 'unknown', 'pass'] as const) {
    parts.push(`<rect x="${lx}" y="22" width="10" height="10" fill="${COLORS[s]}"/>`);
    parts.push(`<text x="${lx + 14}" y="31" fill="#333">${s}</text>`);
    lx += 24 + textWidth(s, fontSize);
  }
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const label = b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" fill="#222">${escapeMarkup(printable(label))}</text>`,
    );
    let x = labelW;
    for (const s of ['fail', 'unknown', 'pass'] as const) {
      if (b[s] === 0) continue;
      const bw = Math.max(1, w(b[s]));
      parts.push(
        `<rect class="bar-${s}" x="${x.toFixed(1)}" y="${y + 3}" width="${bw.toFixed(1)}" height="${rowH - 6}" fill="${COLORS[s]}"><title>${s}: ${b[s]}</title></rect>`,
      );
      x += bw;
    }
    parts.push(
      `<text x="${(x + 4).toFixed(1)}" y="${y + 14}" fill="#444">${b.fail} fail · ${b.unknown} unknown · ${b.pass} pass</text>`,
    );
  });
  const axisY = top + Math.max(1, bars.length) * rowH + 4;
  parts.push(`<line x1="${labelW}" x2="${labelW + plotW}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`);
  for (const t of ticks) {
    parts.push(
      `<text class="tick" x="${(labelW + w(t)).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" fill="#666">${formatTick(t)}</text>`,
    );
  }
  if (bars.length === 0) parts.push(`<text x="${labelW + 6}" y="${top + 14}" fill="#666">no findings</text>`);
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

/**
 * The box the lineage graph is drawn into, in CSS pixels: the printable width of a landscape Letter
 * page (the narrower paper) and what is left of page one under the scope and policy.
 */
export const GRAPH_BOX = { width: 960, height: 225 };
/** Edges drawn at most; flagged copies first. The copies table and the JSON list them all. */
export const MAX_GRAPH_EDGES = 25;

/** Scales Graphviz's picture (sized in points) down to fit GRAPH_BOX, keeping its proportions. */
export function fitSvg(svg: string, box = GRAPH_BOX): string {
  const m = /<svg\b[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"/.exec(svg);
  if (!m) return svg;
  const w = (Number(m[1]) * 4) / 3;
  const h = (Number(m[2]) * 4) / 3;
  const scale = Math.min(1, box.width / w, box.height / h);
  return svg.replace(
    m[0],
    m[0]
      .replace(`width="${m[1]}pt"`, `width="${(w * scale).toFixed(1)}px"`)
      .replace(`height="${m[2]}pt"`, `height="${(h * scale).toFixed(1)}px"`),
  );
}

/** Lays out the copy graph; nodes are artifact locations, edges are copies. */
export async function lineageGraph(all: GraphEdge[]): Promise<{ uri: string; shown: number; total: number }> {
  graphviz ??= Graphviz.load();
  const gv = await graphviz;
  const edges = [...all.filter((e) => e.flagged), ...all.filter((e) => !e.flagged)].slice(0, MAX_GRAPH_EDGES);
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
  const svg = fitSvg(gv.dot(lines.join('\n')));
  return { uri: svgDataUri(svg), shown: edges.length, total: all.length };
}
