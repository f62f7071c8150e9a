// `copytrail --help` (and every command's --help and usage errors) must start fast: the modules the
// CLI loads before a command runs may not reach the heavy libraries (DuckDB, the AWS SDK, Chromium,
// Arrow, the templates). Those are loaded by the command's action when it runs. Checked on the
// static import graph from cli.ts: a dynamic import() is a lazy edge and is not followed.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const HEAVY = [
  '@duckdb/node-api',
  '@aws-sdk/',
  'puppeteer-core',
  '@sparticuz/chromium',
  'apache-arrow',
  'handlebars',
  '@hpcc-js/wasm-graphviz',
  // the YAML parser (~40 ms) loads when a config file is read (core/config.ts requires it then)
  'yaml',
];

/** Value imports and re-exports of a module (`import type` and `export type` load nothing). */
function staticImports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s+['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) if (!m[2]) out.push(m[4]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** Every package the static graph from cli.ts reaches, with one import path to it. */
function packagesReached(): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, path: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec), [...path, spec]);
      else if (!spec.startsWith('node:') && !reached.has(spec)) reached.set(spec, [...path, spec]);
    }
  };
  visit(join(ROOT, 'cli.ts'), ['cli.ts']);
  return reached;
}

describe('CLI start-up', () => {
  it('reads value imports, and skips type-only imports', () => {
    expect(
      staticImports(
        [
          "import { a } from './a.ts';",
          "import type { B } from '@duckdb/node-api';",
          "export { c } from '../c.ts';",
          "export type { D } from './d.ts';",
          "const e = await import('./e.ts');",
        ].join('\n'),
      ),
    ).toEqual(['./a.ts', '../c.ts']);
  });

  it('the modules loaded before a command runs reach no heavy library', () => {
    const heavy = [...packagesReached()]
      .filter(([pkg]) => HEAVY.some((h) => pkg.startsWith(h)))
      .map(([, path]) => path.join(' -> '));
    expect(heavy).toEqual([]);
  });
});
