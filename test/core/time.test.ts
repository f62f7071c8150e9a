// The one time grammar: every flag and config key reads times and spans the same way.
import { describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import {
  durationSeconds,
  instantMs,
  isoMinute,
  isoSeconds,
  normalizeInstant,
  parseRange,
  parseTime,
  TimeRangeError,
} from '../../core/time.ts';

const NOW = new Date('2026-03-10T12:00:00Z');

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
    ['2w', 1_209_600],
    ['1.5h', 5400],
    [' 24h ', 86_400],
  ])('%s is %d seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['7', 'd', '7days', '-3d', '7 d x', '1e3s', ''])('%j is not a duration', (text) => {
    expect(durationSeconds(text)).toBeNull();
  });
});

describe('instants', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00Z'],
    ['2026-03-01T12:00', '2026-03-01T12:00:00Z'],
    ['2026-03-01T12:00:30Z', '2026-03-01T12:00:30Z'],
    ['2026-03-01 12:00:30', '2026-03-01T12:00:30Z'],
    ['2026-03-01T14:00:00+02:00', '2026-03-01T12:00:00Z'],
    ['2026-03-01T07:30:00-0430', '2026-03-01T12:00:00Z'],
    ['2026-03-01T12:00:00.999Z', '2026-03-01T12:00:00Z'],
  ])('%s is %s (UTC unless an offset is named)', (text, iso) => {
    expect(isoSeconds(instantMs(text)!)).toBe(iso);
  });

  it.each(['2026-02-30', '2026-13-01', '2026-03-01T24:00', '2026-03-01T12:60', 'March 1', '1772366400'])(
    '%s is not an instant',
    (text) => {
      expect(instantMs(text)).toBeNull();
    },
  );
});

describe('flag times', () => {
  it('a span is read back from now, for every command alike', () => {
    expect(parseTime('7d', '--since', NOW).toISOString()).toBe('2026-03-03T12:00:00.000Z');
    expect(normalizeInstant('12h', '--until', NOW)).toBe('2026-03-10T00:00:00Z');
    expect(normalizeInstant(undefined, '--since', NOW)).toBeNull();
  });

  it('refuses a slashed date as ambiguous instead of reading it US-style', () => {
    expect(() => parseTime('03/01/2026', '--since', NOW)).toThrow(TimeRangeError);
    expect(() => parseTime('03/01/2026', '--since', NOW)).toThrow(
      /--since '03\/01\/2026' is ambiguous.*2026-03-01/,
    );
    expect(() => parseTime('1.3.2026', '--until', NOW)).toThrow(/ambiguous/);
  });

  it('names the flag and the text when it is neither', () => {
    expect(() => parseTime('yesterday', '--at', NOW)).toThrow(
      /--at must be a date or time .*got 'yesterday'/,
    );
  });

  it("'now' is the instant the command runs at, in any case, and bounds a range", () => {
    expect(parseTime('now', '--until', NOW)).toEqual(NOW);
    expect(parseTime(' NOW ', '--until', NOW)).toEqual(NOW);
    expect(parseRange('7d', 'now', NOW)).toEqual({ since: new Date('2026-03-03T12:00:00Z'), until: NOW });
    expect(() => parseRange('now', '1d', NOW)).toThrow('--until must be later than --since');
    // not a prefix or a word near it
    expect(() => parseTime('nowish', '--since', NOW)).toThrow(/--since must be .*or 'now'; got 'nowish'/);
    expect(() => parseTime('today', '--since', NOW)).toThrow(TimeRangeError);
  });

  it('a range must run forward', () => {
    expect(() => parseRange('2026-03-02', '2026-03-01', NOW)).toThrow(/--until must be later than --since/);
    const r = parseRange('2d', undefined, NOW);
    expect(r.until).toEqual(NOW);
    expect(isoMinute(r.since)).toBe('2026-03-08T12:00Z');
  });
});

describe('config durations use the same grammar', () => {
  const withRpo = (rpo: unknown) =>
    Config.safeParse({ dr: { requirements: [{ id: 'r', dr_regions: ['us-west-2'], rpo }] } });

  it('reads 2w, 36h and a number of seconds', () => {
    for (const [rpo, seconds] of [
      ['2w', 1_209_600],
      ['36h', 129_600],
      [600, 600],
    ] as const) {
      const parsed = withRpo(rpo);
      expect(parsed.success).toBe(true);
      if (parsed.success) expect(parsed.data.dr.requirements[0]!.rpo).toBe(seconds);
    }
  });

  it('refuses a duration without a unit, naming the grammar', () => {
    const parsed = withRpo('36');
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues[0]!.message).toMatch(/s, m, h, d or w/);
  });
});
