// The `npx copytrail …` examples of the README's Commands section, as argument lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function exampleLines(root: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Commands'))!;
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).filter((l) => l.startsWith('npx copytrail '));
}

/** Splits a shell line into words, honouring double quotes (enough for the README's examples). */
export function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}
