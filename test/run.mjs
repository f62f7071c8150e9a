// `npm test` (the fast suite) and `npm run test:e2e` (--e2e: the heavy end-to-end runs): runs vitest
// and prints the `N passed, N failed` line CI reads. Each suite's counts are also kept in
// .vitest/<suite>.counts.json, so `node test/run.mjs --total` can print one line for both.
// Extra arguments go to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outDir = '.vitest';
mkdirSync(outDir, { recursive: true });
const args = process.argv.slice(2);

if (args[0] === '--total') {
  let passed = 0;
  let failed = 0;
  for (const suite of ['fast', 'e2e']) {
    const file = join(outDir, `${suite}.counts.json`);
    if (!existsSync(file)) {
      console.error(`test/run.mjs: no results for the ${suite} suite`);
      failed++;
      continue;
    }
    const c = JSON.parse(readFileSync(file, 'utf8'));
    passed += c.passed;
    failed += c.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

const e2e = args[0] === '--e2e';
const suite = e2e ? 'e2e' : 'fast';
const outFile = join(outDir, `${suite}.results.json`);
rmSync(outFile, { force: true });
const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [
    vitest,
    'run',
    ...(e2e ? ['--config', 'vitest.e2e.config.ts'] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outFile}`,
    ...args.slice(e2e ? 1 : 0),
  ],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  skipped = results.numPendingTests + results.numTodoTests;
  // a file that failed to load has no tests in the counts: count it as a failure
  for (const file of results.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
  }
} catch {
  failed = Math.max(failed, 1);
  console.error('test/run.mjs: vitest wrote no results');
}
// a skipped test is a test that did not run: it counts against the suite
failed += skipped;
writeFileSync(join(outDir, `${suite}.counts.json`), JSON.stringify({ passed, failed, skipped }));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
