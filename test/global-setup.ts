// Unpacks the bundled Chromium once before any test runs, so parallel workers (and the CLI the
// tests spawn) never race to unpack it into /tmp at the same moment.
import { chromiumPath } from '../reports/pdf.ts';

export default async function setup(): Promise<void> {
  await chromiumPath(process.env.COPYTRAIL_CHROMIUM || 'bundled');
}
