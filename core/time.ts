// The one time grammar of copytrail, for every flag and config key.
//
//   duration   a number and a unit: 90s, 15m, 12h, 7d, 2w, 1.5h (config also takes a plain number
//              of seconds)
//   instant    an ISO 8601 date or time in UTC unless it names its offset: 2026-03-01,
//              2026-03-01T12:00, 2026-03-01T12:00:00Z, 2026-03-01T14:00:00+02:00;
//              or a duration, read as that long before now: --since 7d; or the word `now`
//
// A slashed date (03/01/2026) is refused: it reads as 1 March in one country and 3 January in
// another, and a window taken the wrong way round silently reports on the wrong month.
export class TimeRangeError extends Error {
  override name = 'TimeRangeError';
}

export interface TimeRange {
  since: Date;
  until: Date;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*([smhdw])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export const DURATION_HELP = 'a number with s, m, h, d or w, such as 90m, 24h or 7d';
export const INSTANT_HELP =
  "a date or time like 2026-03-01 or 2026-03-01T12:00:00Z, a span back from now like 30m, 12h or 7d, or 'now'";

/** "90m", "24h", "7d" → seconds; null when the text is not a duration. */
export function durationSeconds(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

/** Date.UTC for a calendar time that exists (month 1-12); null for 2026-02-30, 24:00 or second 60. */
export function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  const exists =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    s < 60;
  return exists ? t : null;
}

/** The instant a timestamp text names, in ms; null when it is not one (or names a day that does not exist). */
export function instantMs(text: string): number | null {
  const value = text.trim();
  const d = DATE.exec(value);
  const dt = d ? null : DATE_TIME.exec(value);
  const parts = d ?? dt;
  if (!parts) return null;
  const [y, mo, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const [h, mi, s] = dt ? [Number(dt[4]), Number(dt[5]), Number(dt[6] ?? 0)] : [0, 0, 0];
  const local = utcMs(y, mo, day, h, mi, s);
  if (local === null) return null;
  const fraction = dt?.[7] ? Math.floor(Number(`0${dt[7]}`) * 1000) : 0;
  const zone = dt?.[8];
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z || Number(z[2]) > 23 || Number(z[3]) > 59) return null;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  return local + fraction - offsetMin * 60_000;
}

/** A flag's instant: ISO date or time, or a duration back from `now`. The error names the flag. */
export function parseTime(value: string, flag: string, now: Date = new Date()): Date {
  if (value.trim().toLowerCase() === 'now') return new Date(now.getTime());
  const span = durationSeconds(value);
  if (span !== null) return new Date(now.getTime() - span * 1000);
  const t = instantMs(value);
  if (t !== null) return new Date(t);
  if (/^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}/.test(value.trim())) {
    throw new TimeRangeError(
      `${flag} '${value}' is ambiguous (day and month can be read either way); write it as YYYY-MM-DD, such as 2026-03-01 (${flag} takes ${INSTANT_HELP})`,
    );
  }
  throw new TimeRangeError(`${flag} must be ${INSTANT_HELP}; got '${value}'`);
}

export function parseRange(since: string, until: string | undefined, now: Date = new Date()): TimeRange {
  const range = {
    since: parseTime(since, '--since', now),
    until: until ? parseTime(until, '--until', now) : now,
  };
  if (range.until <= range.since) throw new TimeRangeError('--until must be later than --since');
  return range;
}

/** An optional flag's instant as ISO text to the second (null when not given). */
export function normalizeInstant(
  value: string | null | undefined,
  flag: string,
  now: Date = new Date(),
): string | null {
  if (!value) return null;
  return isoSeconds(parseTime(value, flag, now));
}

/** 2026-03-01T12:00:00Z: the form every table, report and file name uses. */
export function isoSeconds(t: Date | number): string {
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** 2026-03-01T12:00Z. */
export function isoMinute(t: Date | number): string {
  return `${new Date(t).toISOString().slice(0, 16)}Z`;
}

/** UTC days touched by the range, padded by `pad` days each side (delivery runs late). */
export function daysOf(range: TimeRange, pad = 1): string[] {
  const day = 86_400_000;
  const first = Math.floor(range.since.getTime() / day) - pad;
  const last = Math.floor((range.until.getTime() - 1) / day) + pad;
  const out: string[] = [];
  for (let d = first; d <= last; d++) out.push(new Date(d * day).toISOString().slice(0, 10));
  return out;
}
