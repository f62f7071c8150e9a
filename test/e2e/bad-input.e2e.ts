// Heavy bad input for `ingest dir`: a 1 GiB gzip bomb and a file past the cap at the default 512 MiB
// limit, measured in a child process's peak memory, and a corpus of broken files fuzzed from good ones.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { MAX_FILE_BYTES } from '../../ingest/prepare-file.ts';
import { memoryStore, tempDir } from '../helpers.ts';

const GiB = 1024 ** 3;
const CHILD = join(import.meta.dirname, 'ingest-child.ts');

interface ChildResult {
  summary: { rejectedFiles: number; eventsNew: number; found: number; unaccounted: number };
  rejects: { location: string; reason: string }[];
  maxRssBytes: number;
}

function ingestInChild(cap: number | 'default', ...paths: string[]): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, String(cap), ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ChildResult;
}

/** Gzips `bytes` zero bytes into `file` as a stream: about 1 MB on disk per GiB. */
async function gzipZeros(file: string, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024);
  async function* zeros() {
    for (let left = bytes; left > 0; left -= chunk.length)
      yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  await pipeline(Readable.from(zeros()), createGzip(), createWriteStream(file));
}

function record(i: number): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    eventTime: `2026-03-02T10:${String(i % 60).padStart(2, '0')}:05Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeSnapshots',
    awsRegion: 'us-east-1',
    eventID: `e2e-${i}`,
    recipientAccountId: '111122223333',
  };
}

describe('bad input at scale', () => {
  it('a 1 GiB gzip bomb at the default cap is rejected while the process stays under the cap in memory', async () => {
    const dir = tempDir();
    await gzipZeros(join(dir, 'bomb.json.gz'), GiB);
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ Records: [record(1)] }));
    const r = ingestInChild('default', dir);
    expect(r.rejects).toEqual([
      {
        location: join(dir, 'bomb.json.gz'),
        reason: `too large after decompression (> ${MAX_FILE_BYTES} bytes)`,
      },
    ]);
    expect(r.summary.eventsNew).toBe(1);
    // the trailer gives the bomb away, so it is counted in a stream and never held
    expect(r.maxRssBytes).toBeLessThan(MAX_FILE_BYTES);
  });

  it('a bomb whose trailer hides its size is stopped at the cap: memory is bounded by the cap, not the bomb', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.part');
    await gzipZeros(big, GiB);
    // a second, tiny gzip member: the trailer now describes only that one
    const file = join(dir, 'hidden-bomb.json.gz');
    await pipeline(
      Readable.from(
        (async function* () {
          const { createReadStream } = await import('node:fs');
          for await (const c of createReadStream(big)) yield c;
          yield gzipSync('{"Records":[]}');
        })(),
      ),
      createWriteStream(file),
    );
    const r = ingestInChild('default', file);
    expect(r.rejects).toEqual([
      { location: file, reason: `too large after decompression (> ${MAX_FILE_BYTES} bytes)` },
    ]);
    expect(r.maxRssBytes).toBeLessThan(2 * MAX_FILE_BYTES);
  });

  it('a raw file past the default cap is rejected by its size, without being read', () => {
    const dir = tempDir();
    const file = join(dir, 'huge.json');
    writeFileSync(file, '{"Records":[');
    // sparse: past the cap on paper, nothing on disk, and any read of it would show in memory
    truncateSync(file, MAX_FILE_BYTES + 1);
    const r = ingestInChild('default', dir);
    expect(r.rejects).toEqual([
      { location: file, reason: `too large: ${MAX_FILE_BYTES + 1} bytes (> ${MAX_FILE_BYTES} bytes)` },
    ]);
    expect(r.maxRssBytes).toBeLessThan(MAX_FILE_BYTES / 2);
  });

  it('a large corrupt gzip is rejected as corrupt, its bytes left where they are rather than copied', async () => {
    const dir = tempDir();
    const file = join(dir, 'noise.json.gz');
    // gzip magic, then 80 MiB of noise: too big to copy into rejects as base64
    writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), randomBytes(80 * 1024 * 1024)]));
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const { rows } = await store.userQuery('select reason, length(raw)::integer as n from rejects');
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.reason)).toMatch(/^corrupt gzip/);
    expect(rows[0]!.n).toBe(0);
  });

  it('a fuzzed corpus of 3,000 broken files: every file is accounted for and every good record loads', async () => {
    // a fixed seed, so a failure can be replayed
    let state = 0x2545f491;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const dir = tempDir();
    let n = 0;
    // each good record's id, and the file that holds it (named when it fails to load)
    const good = new Map<string, string>();
    const mutations: ((text: string) => string | Buffer)[] = [
      (t) => t.slice(0, Math.floor(random() * t.length)),
      (t) => {
        const b = Buffer.from(t);
        for (let k = 0; k < 4; k++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
        return b;
      },
      (t) => t.replace('"Records"', '"Records":[],"Records"'),
      (t) => t.replace(/\[/, '{').replace(/\]\}$/, '}}'),
      (t) => gzipSync(t).subarray(0, 20 + Math.floor(random() * 40)),
      (t) => Buffer.concat([gzipSync(t), Buffer.from('trailing junk')]),
      (t) => `\x1b[2J${t}`,
      (t) => t.replaceAll('eventID', 'eventId'),
      (t) => Buffer.from(t, 'utf16le'),
      (t) => `${t}\n${t}`,
      () => Buffer.alloc(0),
    ];
    for (let i = 0; i < 3000; i++) {
      const folder = join(dir, `d${i % 37}`);
      mkdirSync(folder, { recursive: true });
      const records = Array.from({ length: 1 + Math.floor(random() * 5) }, () => record(++n));
      const text = JSON.stringify({ Records: records });
      const name = `f${i}${pick(['.json', '.json.gz', '.log', '', '.txt', '.ndjson'])}`;
      if (random() < 0.4) {
        for (const r of records) good.set(String(r.eventID), join(folder, name));
        writeFileSync(join(folder, name), name.endsWith('.gz') ? gzipSync(text) : text);
      } else {
        writeFileSync(join(folder, name), pick(mutations)(text));
      }
    }
    const store = await memoryStore();
    const s = await ingestDir(store, [dir], undefined, undefined, { maxFileBytes: 1024 * 1024 });
    const all = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(s.found).toBe(all.length);
    expect(s.unaccounted).toBe(0);
    const { rows } = await store.userQuery('select count(*)::integer as n from ingested_files');
    const skipped = Object.values(s.skippedFiles).flat().length;
    expect(Number(rows[0]!.n) + skipped).toBe(all.length);
    const { rows: ids } = await store.userQuery('select event_id from events');
    const loaded = new Set(ids.map((r) => String(r.event_id)));
    for (const [id, file] of good) expect(loaded.has(id), `${id} in ${file}`).toBe(true);
  });
});
