// The prepare workers take files in batches: every file's answer is the one preparing it on the main
// thread gives, matched to its own file whatever the batch, corrupt files and files over a batch's byte bound included.
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareFile } from '../../ingest/prepare-file.ts';
import { BATCH_BYTES, BATCH_FILES, PreparePool, WARMUP_FILES } from '../../ingest/prepare-pool.ts';

const trail = (n: number, pad = '') =>
  gzipSync(
    JSON.stringify({
      Records: [
        {
          eventVersion: '1.08',
          eventID: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
          eventTime: '2026-03-01T00:00:00Z',
          eventSource: 's3.amazonaws.com',
          eventName: 'CopyObject',
          awsRegion: 'us-east-1',
          recipientAccountId: '111122223333',
          userAgent: pad,
        },
      ],
    }),
    { level: 0 },
  );

const pool = new PreparePool(2);
afterAll(() => pool.close());

describe('PreparePool', () => {
  it('answers each file of a batch with its own preparation, corrupt files and big ones included', async () => {
    const files: Buffer[] = [];
    for (let i = 0; i < BATCH_FILES * 2 + 5; i++) {
      if (i % 17 === 3) files.push(Buffer.from([0x1f, 0x8b, 1, 2, 3]));
      // a few over the byte bound of a batch, so they travel alone
      else files.push(trail(i, i % 29 === 5 ? 'x'.repeat(BATCH_BYTES) : ''));
    }
    await pool.ready();
    expect(pool.startedWorkers).toBe(2);
    // handed over in one turn, as the loader does while reading ahead
    const got = await Promise.all(files.map((f) => pool.prepare(f, false, 1 << 30)));
    let fast = 0;
    for (const [i, f] of files.entries()) {
      const g = got[i]!;
      // a fast file's lines carry the pool's tag for it: prepare it here under the same tag
      const tag = g.kind === 'fast' ? g.rows.tag : 0;
      if (g.kind === 'fast') {
        fast++;
        // a worker's lines arrive as UTF-8 bytes of their own, moved to this thread
        expect(g.rows.lines, `file ${i}`).toBeInstanceOf(Uint8Array);
        g.rows.lines = Buffer.from(g.rows.lines as Uint8Array).toString('utf8');
      }
      const here = await prepareFile(f, 0, false, { maxBytes: 1 << 30, fastTag: tag });
      // a file taken whole is bytes on this thread too
      if (here.kind === 'fast' && typeof here.rows.lines !== 'string') {
        here.rows.lines = Buffer.from(here.rows.lines).toString('utf8');
      }
      expect(g, `file ${i}`).toEqual(here);
    }
    expect(fast).toBeGreaterThan(BATCH_FILES);
  });

  it('prepares a small ingest on the main thread, and starts the workers only past the warm-up bound', async () => {
    const small = new PreparePool(2);
    try {
      for (let i = 0; i < WARMUP_FILES; i++) await small.prepare(trail(i), false, 1 << 30);
      expect(small.startedWorkers).toBe(0);
      await small.prepare(trail(WARMUP_FILES), false, 1 << 30);
      expect(small.startedWorkers).toBe(2);
    } finally {
      small.close();
    }
  });
});
