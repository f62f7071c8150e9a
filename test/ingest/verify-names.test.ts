// verify's name parsers against a real CloudTrail digest (reference samples): the digest's own name,
// its predecessor's, and every log file it lists must read as CloudTrail names with delivery times
// near the digest's window. Hostile and odd names must not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDigestName, parseLogPlace, trailKey } from '../../ingest/verify-names.ts';
import { SAMPLES } from '../helpers.ts';

describe('CloudTrail names', () => {
  it('reads a real digest, its predecessor and the log files it lists', () => {
    const digest = JSON.parse(
      readFileSync(join(SAMPLES, 'CloudTrail-Digest.elastic-integrations-test.json'), 'utf8'),
    );
    const self = parseDigestName(digest.digestS3Object);
    expect(self).toMatchObject({
      account: '123456789123',
      region: 'us-west-2',
      trail: 'leh-ct-test',
      backfill: false,
    });
    expect(parseDigestName(digest.previousDigestS3Object)?.chain).toBe(self!.chain);
    const start = Date.parse(digest.digestStartTime);
    const end = Date.parse(digest.digestEndTime);
    expect(digest.logFiles.length).toBeGreaterThan(0);
    for (const f of digest.logFiles) {
      const place = parseLogPlace(f.s3Object)!;
      expect(place.folder, f.s3Object).toBe(self!.logFolder);
      expect(place.nameProblem).toBeNull();
      // a name can carry a minute just before the window that lists it
      expect(place.deliveredAt!).toBeGreaterThanOrEqual(start - 5 * 60_000);
      expect(place.deliveredAt!).toBeLessThan(end);
    }
  });

  it('reads the delivery time whatever the suffix, and refuses names that are not CloudTrail names', () => {
    const folder = 's3://b/p/AWSLogs/o-abc123def4/111122223333/CloudTrail/eu-west-1/2026/03/02/';
    for (const suffix of ['.json.gz', '.json', '.ndjson', '.json.cloudtrail', '']) {
      expect(
        parseLogPlace(`${folder}111122223333_CloudTrail_eu-west-1_20260302T0955Z_abcDEF0123456789${suffix}`),
      ).toMatchObject({
        deliveredAt: Date.parse('2026-03-02T09:55:00Z'),
        nameProblem: null,
        account: '111122223333',
      });
    }
    expect(parseLogPlace(`${folder}notes.json`)?.nameProblem).toMatch(
      /^name is not a CloudTrail log file name/,
    );
    expect(
      parseLogPlace(`${folder}111122223333_CloudTrail_eu-west-1_20260231T0955Z_abc.json.gz`)?.nameProblem,
    ).toMatch(/impossible delivery time/);
    expect(
      parseLogPlace(`${folder}999988887777_CloudTrail_eu-west-1_20260302T0955Z_abc.json.gz`)?.nameProblem,
    ).toMatch(/sits in the folder of 111122223333 eu-west-1/);
    expect(
      parseLogPlace('/tmp/loose/111122223333_CloudTrail_eu-west-1_20260302T0955Z_abc.json.gz'),
    ).toBeNull();
    expect(
      parseLogPlace(`${folder}deeper/111122223333_CloudTrail_eu-west-1_20260302T0955Z_abc.json.gz`),
    ).toBeNull();
    expect(trailKey('C:\\trail\\AWSLogs\\111122223333\\x')).toBe('AWSLogs/111122223333/x');
    expect(
      parseDigestName(
        'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/111122223333_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20260302T100000Z_backfill.json.gz',
      ),
    ).toMatchObject({ trail: 'my_trail', homeRegion: 'us-east-1', backfill: true });
    expect(
      parseDigestName(
        'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/444455556666_CloudTrail-Digest_eu-west-1_t_us-east-1_20260302T100000Z.json.gz',
      ),
    ).toBeNull();
  });
});
