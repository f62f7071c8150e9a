// Before any test runs: the third-party data the suite tests against must be there (a missing
// ../shared fails the run, it never skips tests), and the bundled Chromium is unpacked once, so
// parallel workers (and the CLI the tests spawn) never race to unpack it into /tmp.
import { chromiumPath } from '../reports/pdf.ts';
import { HAVE_SHARED, REAL_DATA, SAMPLES } from './helpers-paths.ts';

export default async function setup(): Promise<void> {
  if (!HAVE_SHARED) {
    throw new Error(
      `the test data is missing: expected ${REAL_DATA} and ${SAMPLES} (../shared beside the project)`,
    );
  }
  await chromiumPath(process.env.COPYTRAIL_CHROMIUM || 'bundled');
}
