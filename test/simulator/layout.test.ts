// The trail bucket layout the simulator writes (reference §6.1): UTC day folders, compact UTC stamps.
import { describe, expect, it } from 'vitest';
import { digestStamp, logStamp, trailFolder } from '../../simulator/layout.ts';

describe('trail layout', () => {
  const lateEvening = Date.parse('2026-03-01T23:59:30Z');

  it('files by UTC day under AWSLogs/<org>/<account>/<kind>/<region>/', () => {
    expect(trailFolder('o-abc', '111122223333', 'CloudTrail', 'eu-west-1', lateEvening)).toBe(
      'AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/03/01',
    );
    expect(trailFolder('o-abc', '111122223333', 'CloudTrail-Digest', 'eu-west-1', lateEvening + 60_000)).toBe(
      'AWSLogs/o-abc/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02',
    );
  });

  it('stamps log files to the minute and digests to the second', () => {
    expect(logStamp(lateEvening)).toBe('20260301T2359Z');
    expect(digestStamp(Date.parse('2026-03-02T00:00:00Z'))).toBe('20260302T000000Z');
  });
});
