// The folder rules of architecture.md, read from the code: every relative import of every source
// file is parsed and checked against what its folder may import; the file graph has no cycles;
// no source file is over 500 lines. The checker is tested on a made-up tree first, so a rule that
// stops biting fails here too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** What each folder may import (besides itself). The face (cli.ts, bin/, bench/, lambda.mjs) may import anything. */
const MAY_IMPORT: Record<string, string[] | 'anything'> = {
  face: 'anything',
  pipeline: ['core', 'queries', 'ingest', 'correlate', 'reports', 'export', 'simulator'],
  ingest: ['core', 'queries'],
  correlate: ['core', 'queries'],
  reports: ['core', 'queries'],
  export: ['core', 'queries'],
  simulator: ['core'],
  queries: ['core'],
  core: [],
};

const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIP = new Set(['node_modules', 'test', '.git', '.vitest', 'reports-out']);
const MAX_LINES = 500;

function folderOf(file: string): string {
  const top = file.split('/')[0]!;
  if (!file.includes('/') || top === 'bin' || top === 'bench') return 'face';
  return top;
}

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, base, out);
    else out.push(relative(base, path));
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative imports of one file's text, resolved to repository paths. */
function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) found.push(normalize(join(dirname(file), spec)));
  }
  return found;
}

interface Finding {
  wrongWay: string[];
  cycles: string[][];
}

function check(graph: Map<string, string[]>): Finding {
  const wrongWay: string[] = [];
  for (const [file, deps] of graph) {
    const from = folderOf(file);
    const allowed = MAY_IMPORT[from];
    for (const dep of deps) {
      const to = folderOf(dep);
      if (to === from || allowed === 'anything') continue;
      if (!allowed?.includes(to)) wrongWay.push(`${file} -> ${dep} (${from}/ may not import ${to}/)`);
    }
  }
  // cycles: depth-first search, reporting each back edge's loop once
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return { wrongWay, cycles };
}

describe('the checker itself', () => {
  it('names an import that runs the wrong way and a cycle', () => {
    const graph = new Map<string, string[]>([
      ['core/time.ts', ['ingest/loader.ts']],
      ['ingest/loader.ts', ['core/time.ts', 'reports/regions.ts']],
      ['reports/regions.ts', []],
      ['cli.ts', ['ingest/loader.ts', 'reports/regions.ts']],
      ['queries/store.ts', ['core/time.ts']],
    ]);
    const found = check(graph);
    expect(found.wrongWay).toEqual([
      'core/time.ts -> ingest/loader.ts (core/ may not import ingest/)',
      'ingest/loader.ts -> reports/regions.ts (ingest/ may not import reports/)',
    ]);
    expect(found.cycles).toEqual([['ingest/loader.ts', 'core/time.ts', 'ingest/loader.ts']]);
  });

  it('passes a tree that keeps the rules', () => {
    const graph = new Map<string, string[]>([
      ['cli.ts', ['pipeline/demo.ts']],
      ['pipeline/demo.ts', ['ingest/loader.ts', 'reports/generate.ts']],
      ['ingest/loader.ts', ['queries/store.ts', 'core/time.ts']],
      ['reports/generate.ts', ['queries/store.ts']],
      ['queries/store.ts', ['core/cli-kit.ts']],
      ['core/cli-kit.ts', ['core/time.ts']],
      ['core/time.ts', []],
    ]);
    expect(check(graph)).toEqual({ wrongWay: [], cycles: [] });
  });

  it('reads import, export-from and dynamic import, and ignores packages', () => {
    const text = [
      "import { a } from '../core/time.ts';",
      "import type { B } from './b.ts';",
      "export { c } from '../queries/store.ts';",
      "import {\n  d,\n  e,\n} from '../core/aws-ids.ts';",
      "const f = await import('../reports/pdf.ts');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf('ingest/x.ts', text)).toEqual([
      'core/time.ts',
      'ingest/b.ts',
      'queries/store.ts',
      'core/aws-ids.ts',
      'reports/pdf.ts',
    ]);
  });
});

describe('the repository', () => {
  const files = walk(ROOT).filter((f) => SOURCE.test(f) && !f.startsWith('node_modules'));
  const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(join(ROOT, f), 'utf8'))]));

  it('has source files in every layer', () => {
    const folders = new Set(files.map(folderOf));
    for (const f of Object.keys(MAY_IMPORT)) expect(folders, f).toContain(f);
  });

  it('imports only downward: stages never import each other, core/ imports nothing of ours', () => {
    expect(check(graph).wrongWay).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(check(graph).cycles).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines (test data excepted)`, () => {
    const long = walk(ROOT)
      .filter((f) => /\.(ts|mts|mjs|js|sql)$/.test(f))
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), 'utf8').split('\n').length }))
      .filter((x) => x.lines > MAX_LINES)
      .map((x) => `${x.f}: ${x.lines} lines`);
    expect(long).toEqual([]);
  });
});
