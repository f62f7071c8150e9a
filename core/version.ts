// copytrail's version, as package.json declares it: the one place it is read (--version, report
// manifests, run manifests).
import { readFileSync } from 'node:fs';

export const VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;
