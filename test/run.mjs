// `npm test`: runs the whole suite (type check and lint included, as tests) and prints the
// `N passed, N failed` line CI reads. Extra arguments go to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const outDir = '.vitest';
const outFile = join(outDir, 'results.json');
mkdirSync(outDir, { recursive: true });
rmSync(outFile, { force: true });
const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [
    vitest,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outFile}`,
    ...process.argv.slice(2),
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
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
