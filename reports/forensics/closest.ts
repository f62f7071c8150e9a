// A forensics subject that matches nothing is a mistyped id far more often than a clean history:
// the report refuses it (exit 2) and names the known values closest to what was typed, so the
// analyst sees at once whether the trail never showed it or a character is off.
import { z } from 'zod';
import { UsageError } from '../../core/cli-kit.ts';
import type { ReportContext } from '../context.ts';
import { text } from '../fields.ts';

const Known = z.object({ value: text });

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length]!;
}

/**
 * Up to `n` known values nearest the subject: within a third of its length in edits, or holding
 * it (a bare id typed for an ARN), nearest first.
 */
export function closest(subject: string, known: string[], n = 3): string[] {
  const limit = Math.max(2, Math.ceil(subject.length / 3));
  return known
    .map((value) => ({
      value,
      d: value.toLowerCase().includes(subject.toLowerCase()) ? 0 : editDistance(subject, value),
    }))
    .filter((k) => k.d <= limit)
    .sort((a, b) => a.d - b.d || a.value.localeCompare(b.value))
    .slice(0, n)
    .map((k) => k.value);
}

/** The refusal of a subject that matches no copy, share or event, naming the closest known values. */
export async function unknownSubject(ctx: ReportContext, subject: string): Promise<UsageError> {
  const known = (await ctx.all('reports/forensics/known_subjects', Known)).map((k) => k.value);
  const near = closest(subject, known);
  return new UsageError(
    `the forensics subject '${subject}' matches no copy, share or event in this store` +
      (near.length ? `; the closest known: ${near.join(', ')}` : ''),
  );
}
