// What verify stores is what every report's coverage banner shows: valid, tampered, unverified and
// unchecked log files counted apart, API pages apart from them, and a warning for anything not valid.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { BatchLoader } from '../../ingest/loader.ts';
import { loadPublicKeys, verifyStore } from '../../ingest/verify.ts';
import type { Store } from '../../queries/store.ts';
import { ReportContext } from '../../reports/context.ts';
import { buildBanner } from '../../reports/coverage.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { editLog, microTrail } from './verify-trail.ts';

let trail: string;
beforeAll(() => {
  trail = mkdtempSync(join(tmpdir(), 'copytrail-verify-banner-'));
  microTrail(trail);
});
afterAll(() => rmSync(trail, { recursive: true, force: true }));

async function addLookupPage(store: Store): Promise<void> {
  const loader = await BatchLoader.create(store, { source: 'lookup', eventCoverage: false });
  const page = JSON.stringify({
    eventID: '2e2e2e2e-0000-4000-8000-000000000001',
    eventTime: '2026-03-01T01:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeSnapshots',
  });
  await loader.add({
    location: 'lookup://351842270915/us-east-1/all/page-1',
    size: page.length,
    read: async () => Buffer.from(page),
  });
  await loader.finish();
}

function looseFile(name: string): string {
  const dir = join(tempDir(), 'exports');
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      Records: [
        {
          eventID: `3e3e3e3e-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
          eventTime: '2026-03-01T02:00:00Z',
          eventSource: 'kms.amazonaws.com',
          eventName: 'Decrypt',
        },
      ],
    }),
  );
  return path;
}

describe('the coverage banner after verify', () => {
  it('counts each verify status, API pages apart, and warns about what is not proven', async () => {
    const store = await memoryStore();
    const files = readdirSync(trail, { recursive: true }) as string[];
    editLog(join(trail, files.find((f) => /\/CloudTrail\/us-east-1\/.*\.json\.gz$/.test(f))!));
    await ingestDir(store, [trail, looseFile('a.json')]);
    await addLookupPage(store);
    await verifyStore(store, { keys: loadPublicKeys(join(trail, 'cloudtrail-public-key.pem')) });
    // ingested after verify ran: unchecked
    await ingestDir(store, [looseFile('later-export.json')]);

    const ctx = new ReportContext(
      store,
      loadConfig(join(import.meta.dirname, '..', '..', 'config.example.yaml')),
      { since: null, until: null, asOf: '2026-03-01T05:00:00Z' },
      '2026-03-01T06:00:00Z',
    );
    const banner = await buildBanner(ctx);
    expect(banner.digests).toEqual({ valid: 11, tampered: 1, unverified: 1, unchecked: 1, api_pages: 1 });
    expect(banner.digest_summary).toBe(
      '11 valid, 1 tampered, 1 unverified, 1 unchecked; 1 API pages, not covered by digests',
    );
    expect(banner.warnings).toContain(
      '1 log file(s) are contradicted by an authentic CloudTrail digest (modified or inserted): their events may be forged.',
    );
    expect(banner.warnings).toContain('3 of 14 log files are not proven by a valid digest.');
  });
});
