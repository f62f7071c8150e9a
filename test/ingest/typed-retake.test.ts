// The way back when DuckDB refuses a batch's whole files: each is read again and taken a line per
// record, or to SQL; one that cannot be read again, or reads back changed, is rejected by name and
// the rest of the batch loads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchLoader } from '../../ingest/loader.ts';
import { SpoolFile } from '../../ingest/loader-parts.ts';
import { memoryStore, tempDir } from '../helpers.ts';

const record = (id: string, name = 'DescribeVolumes') =>
  `{"eventVersion":"1.08","eventTime":"2026-03-02T10:00:05Z","eventSource":"ec2.amazonaws.com","eventName":"${name}","awsRegion":"eu-west-1","eventID":"${id}","recipientAccountId":"111122223333"}`;
const trail = (...records: string[]) => `{"Records":[${records.join(',')}]}`;
// JSON.parse keeps the second eventName; DuckDB refuses the line
const twice = trail(record('t1').replace('"eventName":', '"eventName":"CopySnapshot","eventName":'));

function input(location: string, reads: (string | Error)[]) {
  let n = 0;
  return {
    location,
    size: Buffer.byteLength(typeof reads[0] === 'string' ? reads[0] : ''),
    read: async () => {
      const next = reads[Math.min(n++, reads.length - 1)]!;
      if (next instanceof Error) throw next;
      return Buffer.from(next);
    },
  };
}

describe('whole files DuckDB refuses', () => {
  it('are taken again; a file changed or gone since is rejected by name, and the rest loads', async () => {
    process.env.COPYTRAIL_WORKERS = '0';
    try {
      const store = await memoryStore();
      const loader = await BatchLoader.create(store, { source: 'dir' });
      await loader.add(input('AWSLogs/a-twice.json', [twice]));
      await loader.add(input('AWSLogs/b-plain.json', [trail(record('t2'), record('t3'))]));
      await loader.add(input('AWSLogs/c-changed.json', [trail(record('t4')), trail(record('t5'))]));
      await loader.add(
        input('AWSLogs/d-gone.json', [trail(record('t6')), new Error('ENOENT: no such file')]),
      );
      const summary = await loader.finish();
      const { rows } = await store.userQuery(
        'select location, status, error from ingested_files order by location',
      );
      expect(rows).toEqual([
        { location: 'AWSLogs/a-twice.json', status: 'loaded', error: null },
        { location: 'AWSLogs/b-plain.json', status: 'loaded', error: null },
        {
          location: 'AWSLogs/c-changed.json',
          status: 'rejected',
          error: 'changed while it was loaded: read again, its content no longer matches its hash',
        },
        {
          location: 'AWSLogs/d-gone.json',
          status: 'rejected',
          error: 'cannot read again: ENOENT: no such file',
        },
      ]);
      // the file with the key written twice went to SQL, which refuses that record by name as it does
      // in any run (normalise.test.ts compares the two); nothing of the two rejected files is loaded
      const { rows: events } = await store.userQuery('select event_id from events order by event_id');
      expect(events.map((e) => e.event_id)).toEqual(['t2', 't3']);
      expect(summary.rejectedFiles).toBe(2);
      const { rows: rejects } = await store.userQuery(
        'select location, record_index, reason from rejects order by location',
      );
      expect(rejects.map((r) => [r.location, r.record_index])).toEqual([
        ['AWSLogs/a-twice.json', 0],
        ['AWSLogs/c-changed.json', null],
        ['AWSLogs/d-gone.json', null],
      ]);
      expect(rejects[0]!.reason).toMatch(/^key written twice: /);
      store.close();
    } finally {
      delete process.env.COPYTRAIL_WORKERS;
    }
  });
});

describe('a spool file in pieces', () => {
  it('starts a new file past its size, and holds every line in order across them', () => {
    const spool = new SpoolFile(join(tempDir(), 'lines.ndjson'), 10);
    const lines = ['{"a":1}\n', '{"b":22}\n', '{"c":333}\n', '{"d":4}\n'];
    for (const line of lines) {
      spool.add(Buffer.from(line), line.length);
      spool.write();
    }
    spool.close();
    expect(spool.paths.length).toBeGreaterThan(1);
    expect(spool.lines).toBe(4);
    expect(spool.longest).toBe(10);
    expect(spool.paths.map((p) => readFileSync(p, 'utf8')).join('')).toBe(lines.join(''));
  });
});
