// The command line's side of a source declaration (core/sources.ts): the fields of `ingest <type>`
// in --help order, and the values commander parsed → the source's spec, its command-line-only
// flags and its time window. A bad value is a UsageError that names its flag.
import { z } from 'zod';
import { UsageError } from './cli-kit.ts';
import {
  type Field,
  type FieldKind,
  type Fields,
  type FlagsOf,
  SOURCES,
  type SourceDeclaration,
  type SourceType,
  type SpecOf,
  shapeOf,
} from './sources.ts';
import { parseRange, type TimeRange, TimeRangeError } from './time.ts';

/** The command line's side of a window; a schedule has lookback/overlap instead. */
export const WINDOW_FLAGS: Fields = {
  since: {
    kind: 'text',
    schema: z.string(),
    value: '<time>',
    help: 'start: 2026-03-01, 2026-03-01T12:00:00Z or a span like 7d',
  },
  until: { kind: 'text', schema: z.string().optional(), value: '<time>', help: 'end (default: now)' },
};

/** The flag a field's key names: org_id is --org-id. */
export const flagOf = (key: string): string => `--${key.replaceAll('_', '-')}`;

/** Every field of `ingest <type>`, in --help order: the options, the window, then the command-line-only flags. */
export function commandFields(d: SourceDeclaration): [string, Field][] {
  return Object.entries({ ...d.options, ...(d.window ? WINDOW_FLAGS : {}), ...d.flags });
}

/** A value the command line may leave out; otherwise the flag is required. */
export const isOptional = (f: Field): boolean => f.schema.safeParse(undefined).success;

/** The default to show in --help: a number or a non-empty text the schema fills in. */
export function shownDefault(f: Field): string | undefined {
  const r = f.schema.safeParse(undefined);
  if (!r.success) return undefined;
  if (typeof r.data === 'number' || (typeof r.data === 'string' && r.data !== '')) return String(r.data);
  return undefined;
}

function fromText(kind: FieldKind, given: unknown): unknown {
  if (given === undefined) return undefined;
  if (kind === 'list') {
    if (given === 'all') return undefined;
    return String(given)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  // anything that is not digits goes to the schema as text, for a message that quotes it
  if (kind === 'count') return /^\s*\d+\s*$/.test(String(given)) ? Number(given) : given;
  return given;
}

export interface ParsedSource<T extends SourceType = SourceType> {
  spec: SpecOf<T>;
  flags: FlagsOf<T>;
  /** from --since and --until; absent for a source without a window */
  range?: TimeRange;
}

/**
 * The command line's values (by field key, as text; the arguments as an array) → the source's spec,
 * its command-line-only flags and its window. A bad value is a UsageError naming the flag.
 */
export function parseSourceArgs<T extends SourceType>(
  type: T,
  given: Record<string, unknown>,
  now: Date = new Date(),
): ParsedSource<T> {
  const d: SourceDeclaration = SOURCES[type];
  // a flag left out is a key left out, as in a config file: the spec has the same keys either way
  const raw = (fields: Fields) =>
    Object.fromEntries(
      Object.entries(fields)
        .map(([k, f]) => [k, fromText(f.kind, given[k])])
        .filter(([, v]) => v !== undefined),
    );
  const problems: string[] = [];
  const parse = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) {
      const key = issue.path[0];
      problems.push(typeof key === 'string' ? `${flagOf(key)}: ${issue.message}` : issue.message);
    }
    return undefined;
  };
  const spec = parse(z.object({ type: z.literal(type), ...shapeOf(d.options) }), { type, ...raw(d.options) });
  const flags = parse(z.object(shapeOf(d.flags)), raw(d.flags));
  if (problems.length > 0 || !spec || !flags) throw new UsageError(problems.join('; '));
  const broken = d.check?.({ ...spec, ...flags }, flagOf);
  if (broken) throw new UsageError(broken);
  let range: TimeRange | undefined;
  if (d.window) {
    try {
      range = parseRange(
        String(given.since),
        given.until === undefined ? undefined : String(given.until),
        now,
      );
    } catch (err) {
      if (err instanceof TimeRangeError) throw new UsageError(err.message);
      throw err;
    }
  }
  return { spec: spec as SpecOf<T>, flags: flags as FlagsOf<T>, range };
}
