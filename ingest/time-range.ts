// --since / --until: an ISO date or time (UTC), or a span back from now such as 90d or 12h.
export class TimeRangeError extends Error {
  override name = 'TimeRangeError';
}

export interface TimeRange {
  since: Date;
  until: Date;
}

export function parseTime(value: string, flag: string, now: Date = new Date()): Date {
  const rel = /^(\d+)([dhm])$/.exec(value.trim());
  if (rel) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() - Number(rel[1]) * unit);
  }
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const t = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) {
    throw new TimeRangeError(
      `${flag} must be a date or time like 2026-03-01 or 2026-03-01T12:00:00Z, or a span like 7d or 12h; got '${value}'`,
    );
  }
  return new Date(t);
}

export function parseRange(since: string, until: string | undefined, now: Date = new Date()): TimeRange {
  const range = {
    since: parseTime(since, '--since', now),
    until: until ? parseTime(until, '--until', now) : now,
  };
  if (range.until <= range.since) throw new TimeRangeError('--until must be later than --since');
  return range;
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
