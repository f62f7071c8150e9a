// The demo's simulated trail ends where today begins, so its reports never warn that the data is old.
import { describe, expect, it } from 'vitest';
import { demoStart } from '../../pipeline/demo.ts';

describe('demoStart', () => {
  it('starts `days` before today, at UTC midnight, whatever the time of day', () => {
    expect(demoStart(7, new Date('2026-12-04T18:30:00Z'))).toBe('2026-11-27');
    expect(demoStart(7, new Date('2026-12-04T00:00:00Z'))).toBe('2026-11-27');
    expect(demoStart(7, new Date('2026-12-04T23:59:59Z'))).toBe('2026-11-27');
  });

  it('crosses month and year ends, and a one-day demo starts yesterday', () => {
    expect(demoStart(1, new Date('2027-01-01T08:00:00Z'))).toBe('2026-12-31');
    expect(demoStart(30, new Date('2026-03-01T12:00:00Z'))).toBe('2026-01-30');
  });

  it('is not a fixed date: a later day gives a later start', () => {
    expect(demoStart(7, new Date('2026-12-05T01:00:00Z'))).toBe('2026-11-28');
  });
});
