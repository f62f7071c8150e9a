// Bad input under an ingested root: every file is read, rejected with a named reason or skipped by a
// named rule; nothing is dropped in silence, nothing hangs the run or blows its memory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, openSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { byteSize } from '../../core/byte-size.ts';
import { terminalSafe as printable } from '../../core/cli-kit.ts';
import { FileIdentities } from '../../ingest/dir.ts';
import { type DirIngestResult, ingestDir } from '../../ingest/ingest-dir.ts';
import { formatIngestSummary } from '../../ingest/summary.ts';
import type { Store } from '../../queries/store.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';

let seq = 0;
function rec(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    eventTime: `2026-03-02T10:${String(seq % 60).padStart(2, '0')}:05Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeSnapshots',
    awsRegion: 'us-east-1',
    requestParameters: { maxResults: 5 },
    responseElements: null,
    requestID: `req-bad-${seq}`,
    eventID: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...over,
  };
}

function trail(records: unknown[]): string {
  return JSON.stringify({ Records: records });
}

function write(dir: string, rel: string, content: string | Buffer): string {
  const file = join(dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const DAY = join('AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '02');

async function rejects(store: Store): Promise<{ location: string; reason: string; record_index: unknown }[]> {
  const { rows } = await store.userQuery(
    'select location, reason, record_index from rejects order by location',
  );
  return rows.map((r) => ({
    location: String(r.location),
    reason: String(r.reason),
    record_index: r.record_index,
  }));
}

async function reasonFor(store: Store, suffix: string): Promise<string | undefined> {
  return (await rejects(store)).find((r) => r.location.endsWith(suffix))?.reason;
}

/** Locations the ledger holds plus those skipped by a rule: each file found must be in exactly one. */
async function accountedFor(store: Store, r: DirIngestResult): Promise<string[]> {
  const { rows } = await store.userQuery('select location from ingested_files');
  const skipped = Object.values(r.skippedFiles ?? {}).flat();
  return [...rows.map((x) => String(x.location)), ...skipped].sort();
}

/** Every regular file under root, found without following links: what the ingest must account for. */
function regularFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** A zip archive (stored or deflated members) built by hand, so tests can lie in its headers. */
function zipOf(members: { name: string; data: Buffer; deflate?: boolean; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const body = m.deflate ? deflateRawSync(m.data) : m.data;
    const name = Buffer.from(m.name, 'utf8');
    const size = m.declaredSize ?? m.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(m.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(m.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(m.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const children: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const s of servers.splice(0)) s.close();
});

describe('ingest dir: the Records field', () => {
  it('rejects a file whose Records is an object, null or a string: "field Records is not an array"', async () => {
    const dir = tempDir();
    write(dir, 'object.json', JSON.stringify({ Records: rec() }));
    write(dir, 'object.json.gz', gzipSync(JSON.stringify({ Records: rec() })));
    write(dir, 'null.json', '{"Records": null}');
    write(dir, 'string.json', '{ "Records" : "[]" }');
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.rejectedFiles).toBe(4);
    expect(s.loaded).toBe(0);
    for (const f of ['object.json', 'object.json.gz', 'null.json', 'string.json']) {
      expect(await reasonFor(store, `/${f}`), f).toBe('field Records is not an array');
    }
    expect(await count(store, 'ingested_files', "status = 'loaded'")).toBe(0);
  });

  it('loads an empty Records array as a file of zero records, without a reject', async () => {
    const dir = tempDir();
    write(dir, 'empty.json', '{"Records": []}');
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.loaded).toBe(1);
    expect(s.rejectedFiles).toBe(0);
    expect(await count(store, 'rejects')).toBe(0);
  });

  it.each([
    ['whole files, typed', undefined],
    ['a line per record', 'records'],
    ['the SQL normaliser', '0'],
  ])(
    'refuses a record whose key is written twice, naming the key, and loads the rest (%s)',
    async (_how, mode) => {
      if (mode) process.env.COPYTRAIL_FAST_NORMALISE = mode;
      try {
        const dir = tempDir();
        const good = rec();
        // readers disagree on which value counts: DuckDB reads the first, JSON.parse the last
        const twice = JSON.stringify(rec({ eventName: 'CopySnapshot' })).replace(
          '"eventName":',
          '"eventName":"DeleteSnapshot","eventName":',
        );
        // the same key spelled with a JSON escape is the same key
        const escaped = JSON.stringify(rec()).replace('"eventID":', '"eventID":"forged","event\\u0049D":');
        write(dir, 'a.json', `{"Records":[${JSON.stringify(good)},${twice},${escaped}]}`);
        const store = await memoryStore();
        const s = await ingestDir(store, [dir]);
        expect(s.loaded).toBe(1);
        expect(await count(store, 'events')).toBe(1);
        const { rows } = await store.userQuery('select event_id, event_name from events');
        expect(rows).toEqual([{ event_id: good.eventID, event_name: good.eventName }]);
        const got = (await rejects(store)).map((r) => [r.record_index, r.reason]);
        expect(got).toEqual([
          [1, 'key written twice: eventName'],
          [2, 'key written twice: eventID'],
        ]);
      } finally {
        delete process.env.COPYTRAIL_FAST_NORMALISE;
      }
    },
  );

  it('rejects a file with two top-level "Records" keys, naming the key, and loads none of it', async () => {
    const dir = tempDir();
    write(
      dir,
      'two.json',
      `{"Records":[${JSON.stringify(rec())}],"Records":[${JSON.stringify(rec())},${JSON.stringify(rec())}]}`,
    );
    // the same key spelled with a JSON escape is the same key to every reader
    write(
      dir,
      'escaped.json',
      `{"Records":[${JSON.stringify(rec())}], "Reco\\u0072ds":[${JSON.stringify(rec())}]}`,
    );
    // and when Records is not the first key (the slow path)
    write(
      dir,
      'later.json',
      `{"Meta":1,"Records":[${JSON.stringify(rec())}],"Records":[${JSON.stringify(rec())}]}`,
    );
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.rejectedFiles).toBe(3);
    expect(await count(store, 'events')).toBe(0);
    for (const f of ['two.json', 'escaped.json', 'later.json']) {
      expect(await reasonFor(store, `/${f}`), f).toMatch(/^duplicate top-level key "Records"/);
    }
  });

  it('a truncated file is rejected alone: it never takes the next file of the batch down with it', async () => {
    const dir = tempDir();
    const full = trail([rec(), rec()]);
    // cut where a value should follow (DuckDB's line reader would take the next line as that value),
    // inside a string, and just after a record's closing brace (the text still ends in "}")
    write(dir, 'a-cut-after-colon.json', full.slice(0, full.indexOf('"eventName":') + 12));
    write(dir, 'b-good.json', trail([rec(), rec()]));
    write(dir, 'c-cut-in-string.json', full.slice(0, full.indexOf('DescribeSnapshots') + 5));
    write(dir, 'd-good.json', trail([rec()]));
    write(dir, 'e-cut-after-record.json', `{"Records":[${JSON.stringify(rec())}`);
    write(dir, 'f-good.json', trail([rec()]));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(4);
    expect(s.loaded).toBe(3);
    expect(s.rejectedFiles).toBe(3);
    for (const f of ['a-cut-after-colon.json', 'c-cut-in-string.json', 'e-cut-after-record.json']) {
      expect(await reasonFor(store, `/${f}`), f).toMatch(/^malformed JSON/);
    }
  });

  it('loads every record when "Records" appears only inside records, and never lets a file pick its own file id', async () => {
    const dir = tempDir();
    const kinesis = rec({
      eventSource: 'kinesis.amazonaws.com',
      eventName: 'PutRecords',
      requestParameters: { streamName: 's', Records: [{ partitionKey: 'k' }] },
    });
    write(dir, 'a-nested.json', trail([kinesis, rec(), rec()]));
    // a hostile top-level "_f" must not move records to another file's ledger row
    write(dir, 'b-hostile.json', `{"Records":[${JSON.stringify(rec())}],"_f":1}`);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.rejectedFiles).toBe(0);
    expect(s.eventsNew).toBe(4);
    const { rows } = await store.userQuery(
      'select f.location, count(*)::integer as n from events e join ingested_files f using (file_id) group by all order by 1',
    );
    expect(rows.map((r) => [String(r.location).replace(/.*\//, ''), r.n])).toEqual([
      ['a-nested.json', 3],
      ['b-hostile.json', 1],
    ]);
  });
});

describe('ingest dir: folders and special files', () => {
  it('reads a file again on the next run once it can be read; the first failure stays on record', async () => {
    const dir = tempDir();
    write(dir, join(DAY, 'good.json'), trail([rec()]));
    const flaky = write(dir, join(DAY, 'flaky.json'), trail([rec(), rec()]));
    const store = await memoryStore();
    const failing = await ingestDir(store, [dir], undefined, undefined, {
      fs: {
        openSync: ((path: string, flags: number) => {
          if (path === flaky)
            throw Object.assign(new Error(`EIO: i/o error, open '${path}'`), { code: 'EIO' });
          return openSync(path, flags);
        }) as typeof openSync,
      },
    });
    expect(failing.eventsNew).toBe(1);
    expect(failing.rejectedFiles).toBe(1);
    // the disk is back: the same file, unchanged, is read again instead of skipped as known
    const again = await ingestDir(store, [dir]);
    expect(again.eventsNew).toBe(2);
    expect(await count(store, 'events')).toBe(3);
    expect((await rejects(store)).map((r) => r.reason)).toEqual([expect.stringMatching(/^cannot read: EIO/)]);
    // and a third run finds everything known
    expect((await ingestDir(store, [dir])).eventsNew).toBe(0);
  });

  it('records an unreadable folder (readdir fails) with its reason and loads the rest', async () => {
    const dir = tempDir();
    write(dir, join(DAY, 'good.json'), trail([rec(), rec()]));
    const badRel = join('AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '03');
    const bad = join(dir, badRel);
    write(dir, join(badRel, 'hidden.json'), trail([rec()]));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir], undefined, undefined, {
      fs: {
        readdirSync: ((path: string, opts: unknown) => {
          if (path === bad) {
            throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), {
              code: 'EACCES',
            });
          }
          return readdirSync(path, opts as { withFileTypes: true });
        }) as typeof readdirSync,
      },
    });
    expect(s.eventsNew).toBe(2);
    expect(s.rejectedFiles).toBe(1);
    const r = await rejects(store);
    expect(r).toHaveLength(1);
    expect(r[0]!.location).toBe(`${bad}/`);
    expect(r[0]!.reason).toMatch(/^unreadable folder: EACCES/);
    // that day folder is a known hole in coverage, not a quiet day
    expect(
      await count(
        store,
        'ingest_coverage',
        "region = 'us-east-1' and window_start = '2026-03-03' and error is not null",
      ),
    ).toBe(1);
  });

  it('records a folder the kernel refuses to list (mode 000, walked without root privileges)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    write(dir, 'ok/a.json', trail([rec()]));
    write(dir, 'locked/b.json', trail([rec()]));
    chmodSync(join(dir, 'ok'), 0o755);
    chmodSync(join(dir, 'ok', 'a.json'), 0o644);
    chmodSync(join(dir, 'locked'), 0o000);
    // root reads any folder, so the walk runs in a child that gives up root before walking
    const script = [
      `import { walkPaths } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'ingest', 'dir.ts'))};`,
      'if (process.getuid() === 0) { process.setgid(65534); process.setuid(65534); }',
      `const w = walkPaths([${JSON.stringify(dir)}]);`,
      'console.log(JSON.stringify(w.files.map((f) => ({ location: f.location, problem: f.problem ?? null }))));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    chmodSync(join(dir, 'locked'), 0o755);
    expect(r.status, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout) as { location: string; problem: string | null }[];
    expect(files).toEqual([
      { location: `${join(dir, 'locked')}/`, problem: expect.stringMatching(/^unreadable folder: EACCES/) },
      { location: join(dir, 'ok', 'a.json'), problem: null },
    ]);
  });

  it('never opens a FIFO, a socket or a device: each is rejected as "not a regular file"', async () => {
    const dir = tempDir();
    write(dir, 'good.json', trail([rec()]));
    spawnSync('mkfifo', [join(dir, 'pipe.json')]);
    symlinkSync('/dev/null', join(dir, 'null.json'));
    const server = createServer();
    servers.push(server);
    await new Promise<void>((ok) => server.listen(join(dir, 'sock.json'), ok));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(1);
    expect(await reasonFor(store, '/pipe.json')).toBe('not a regular file (FIFO)');
    expect(await reasonFor(store, '/sock.json')).toBe('not a regular file (socket)');
    expect(await reasonFor(store, '/null.json')).toBe('not a regular file (character device)');
  });

  it('rejects a FIFO named on the command line instead of waiting on it', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.json');
    spawnSync('mkfifo', [fifo]);
    // a writer, so that code which does open the FIFO reads it (and this test fails) instead of hanging
    const writer = spawn('sh', ['-c', `printf '%s' '${trail([rec()])}' > "${fifo}"`], { stdio: 'ignore' });
    children.push(writer);
    const store = await memoryStore();
    const s = await ingestDir(store, [fifo]);
    expect(s.eventsNew).toBe(0);
    expect(await reasonFor(store, '/pipe.json')).toBe('not a regular file (FIFO)');
  });
});

describe('ingest dir: symbolic links', () => {
  it('follows links to files and folders outside the root', async () => {
    const outside = tempDir();
    write(outside, 'bucket/x.json', trail([rec(), rec()]));
    write(outside, 'single.json', trail([rec()]));
    const dir = tempDir();
    symlinkSync(join(outside, 'bucket'), join(dir, 'linked-bucket'));
    symlinkSync(join(outside, 'single.json'), join(dir, 'linked.json'));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(3);
    expect(s.rejectedFiles).toBe(0);
    expect(await count(store, 'ingested_files', `location = '${join(dir, 'linked-bucket', 'x.json')}'`)).toBe(
      1,
    );
  });

  it('records a link back up the tree and a link to itself as "symlink loop", a dangling link as "broken symlink"', async () => {
    const dir = tempDir();
    write(dir, 'sub/a.json', trail([rec()]));
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync('self', join(dir, 'self'));
    symlinkSync(join(dir, 'missing.json'), join(dir, 'dangling.json'));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(1);
    expect(await reasonFor(store, '/sub/up/')).toMatch(/^symlink loop/);
    expect(await reasonFor(store, '/self')).toMatch(/^symlink loop/);
    expect(await reasonFor(store, '/dangling.json')).toMatch(/^broken symlink/);
    expect(s.rejectedFiles).toBe(3);
  });

  it('reads a file reached under two names once, and says so in the summary', async () => {
    const dir = tempDir();
    const text = trail([rec(), rec()]);
    write(dir, 'a.json', text);
    symlinkSync(join(dir, 'a.json'), join(dir, 'b.json'));
    linkSync(join(dir, 'a.json'), join(dir, 'c.json'));
    write(dir, 'd.json', text);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.loaded).toBe(1);
    // d.json is another file with the same bytes: read, and found to be a duplicate by its content
    expect(s.duplicateFiles).toBe(1);
    expect(await count(store, 'ingested_files')).toBe(2);
    expect(s.skippedFiles?.['other names (links) for a file already seen']).toEqual([
      join(dir, 'b.json'),
      join(dir, 'c.json'),
    ]);
  });

  it('tells files apart by device and inode together', () => {
    const seen = new FileIdentities();
    expect(seen.add({ dev: 1, ino: 10 })).toBe(true);
    expect(seen.add({ dev: 2, ino: 10 }), 'the same inode on another device').toBe(true);
    expect(seen.add({ dev: 1, ino: 11 })).toBe(true);
    expect(seen.add({ dev: 1, ino: 10 }), 'seen, after a file of another device').toBe(false);
    expect(seen.add({ dev: 2, ino: 10 })).toBe(false);
    expect(seen.add({ dev: 1, ino: 2 ** 40 }), 'an inode past 32 bits').toBe(true);
    expect(seen.add({ dev: 1, ino: 2 ** 40 + 1 })).toBe(true);
    expect(seen.add({ dev: 1, ino: 2 ** 40 })).toBe(false);
  });
});

describe('ingest dir: files are recognised by their bytes, not their names', () => {
  it('reads CloudTrail JSON under any name, skips other files by a named rule, rejects non-CloudTrail JSON', async () => {
    const dir = tempDir();
    write(dir, 'trail.log', trail([rec(), rec()]));
    write(dir, 'trail.log.gz', gzipSync(trail([rec()])));
    write(dir, 'records.txt', `${JSON.stringify(rec())}\n${JSON.stringify(rec())}\n`);
    write(dir, 'README.md', '[![build](https://example.com/b.svg)](x)\n# notes\n');
    write(dir, 'LICENSE', 'Apache License\nVersion 2.0\n');
    write(dir, 'blob.bin', Buffer.from([0, 1, 2, 3, 255]));
    write(dir, '.gitkeep', '');
    write(dir, 'notes.txt.gz', gzipSync('plain words, not JSON\n'));
    write(dir, 'package.json', JSON.stringify({ name: 'x', version: '1.0.0' }));
    // a name that says JSON still gets read, and rejected for what it holds
    write(dir, 'error-page.json', '<html>AccessDenied</html>');
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(5);
    expect(s.loaded).toBe(3);
    expect(await reasonFor(store, '/package.json')).toMatch(/^not CloudTrail/);
    expect(await reasonFor(store, '/error-page.json')).toMatch(/^not JSON/);
    expect(s.rejectedFiles).toBe(2);
    expect(s.skippedFiles).toEqual({
      'not JSON, gzip or zip': [join(dir, 'LICENSE'), join(dir, 'README.md'), join(dir, 'blob.bin')],
      'empty files': [join(dir, '.gitkeep')],
      'gzip files without JSON inside': [join(dir, 'notes.txt.gz')],
    });
    // every file is accounted for exactly once
    expect(await accountedFor(store, s)).toEqual(regularFiles(dir));
    expect(s.found).toBe(regularFiles(dir).length);
  });

  it('reads the members of a zip archive by their bytes too, and rejects a damaged archive', async () => {
    const dir = tempDir();
    write(
      dir,
      'logs.zip',
      zipOf([
        { name: 'a.log', data: Buffer.from(trail([rec()])), deflate: true },
        { name: 'notes.txt', data: Buffer.from('hello'), deflate: true },
        { name: 'b.json', data: Buffer.from(trail([rec()])) },
      ]),
    );
    write(dir, 'broken.zip', Buffer.from('PK\x03\x04 but nothing else'));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(2);
    expect(s.skippedFiles?.['not JSON, gzip or zip']).toEqual([`${join(dir, 'logs.zip')}!/notes.txt`]);
    expect(await reasonFor(store, '/broken.zip')).toMatch(/^corrupt zip/);
  });
});

describe('ingest dir: size caps', () => {
  const MiB = 1024 * 1024;

  it('rejects a gzip bomb past the cap without inflating it all, and loads a file under the same cap', async () => {
    const dir = tempDir();
    write(dir, 'bomb.json.gz', gzipSync(Buffer.alloc(16 * MiB, 0x20)));
    const under = trail([rec({ userAgent: 'x'.repeat(512 * 1024) })]);
    write(dir, 'under.json.gz', gzipSync(under));
    // two gzip members: the trailer's size field only describes the last, small one
    write(
      dir,
      'two-members.json.gz',
      Buffer.concat([gzipSync(Buffer.alloc(8 * MiB, 0x20)), gzipSync(trail([]))]),
    );
    const store = await memoryStore();
    const s = await ingestDir(store, [dir], undefined, undefined, { maxFileBytes: MiB });
    expect(s.eventsNew).toBe(1);
    expect(await reasonFor(store, '/bomb.json.gz')).toBe(`too large after decompression (> ${MiB} bytes)`);
    expect(await reasonFor(store, '/two-members.json.gz')).toBe(
      `too large after decompression (> ${MiB} bytes)`,
    );
  });

  it('rejects a raw file over the cap by its size, without opening it', async () => {
    const dir = tempDir();
    const big = write(dir, 'big.json', trail([rec({ userAgent: 'y'.repeat(2 * MiB) })]));
    write(dir, 'small.json', trail([rec()]));
    const opened: string[] = [];
    const store = await memoryStore();
    const s = await ingestDir(store, [dir], undefined, undefined, {
      maxFileBytes: MiB,
      fs: {
        openSync: ((path: string, ...rest: unknown[]) => {
          opened.push(String(path));
          return (openSync as (...a: unknown[]) => number)(path, ...rest);
        }) as typeof openSync,
      },
    });
    expect(s.eventsNew).toBe(1);
    expect(await reasonFor(store, '/big.json')).toMatch(/^too large: \d+ bytes \(> 1048576 bytes\)$/);
    expect(opened).not.toContain(big);
    expect(opened).toContain(join(dir, 'small.json'));
  });

  it('caps zip members too, even when the archive lies about their size', async () => {
    const dir = tempDir();
    write(
      dir,
      'bomb.zip',
      zipOf([
        { name: 'honest.json', data: Buffer.alloc(4 * MiB, 0x20), deflate: true },
        { name: 'liar.json', data: Buffer.alloc(4 * MiB, 0x20), deflate: true, declaredSize: 100 },
        { name: 'fine.json', data: Buffer.from(trail([rec()])), deflate: true },
      ]),
    );
    const store = await memoryStore();
    const s = await ingestDir(store, [dir], undefined, undefined, { maxFileBytes: MiB });
    expect(s.eventsNew).toBe(1);
    expect(await reasonFor(store, '!/honest.json')).toMatch(/^too large after decompression/);
    expect(await reasonFor(store, '!/liar.json')).toMatch(/^too large after decompression/);
  });
});

describe('ingest dir: Insights and digests', () => {
  // Shape from the CloudTrail User Guide's Insights event example. Inferred here: the numbers in
  // statistics and attributions, and the file name pattern <acct>_CloudTrail-Insight_<region>_….
  function insight(state: 'Start' | 'End', shared: string): Record<string, unknown> {
    seq++;
    return {
      eventVersion: '1.08',
      eventTime: state === 'Start' ? '2026-03-02T10:05:00Z' : '2026-03-02T10:09:00Z',
      awsRegion: 'us-east-1',
      eventID: `11111111-0000-4000-9000-${String(seq).padStart(12, '0')}`,
      eventType: 'AwsCloudTrailInsight',
      recipientAccountId: '111122223333',
      sharedEventID: shared,
      insightDetails: {
        state,
        eventSource: 'ec2.amazonaws.com',
        eventName: 'CopySnapshot',
        insightType: 'ApiCallRateInsight',
        insightContext: {
          statistics: {
            baseline: { average: 0.0104 },
            insight: { average: 14 },
            ...(state === 'End' ? { insightDuration: 4, baselineDuration: 10076 } : {}),
          },
          attributions: [
            {
              attribute: 'userIdentityArn',
              insight: [{ value: 'arn:aws:iam::111122223333:user/alice', average: 14 }],
              baseline: [{ value: 'arn:aws:iam::111122223333:role/backup', average: 0.0104 }],
            },
            {
              attribute: 'errorCode',
              insight: [{ value: 'null', average: 14 }],
              baseline: [{ value: 'null', average: 0.0104 }],
            },
          ],
        },
      },
      eventCategory: 'Insight',
    };
  }

  it('keeps Insights records out of events by a named rule, not as rejects', async () => {
    const dir = tempDir();
    const shared = 'aaaaaaaa-0000-4000-9000-000000000001';
    write(
      dir,
      join(
        'AWSLogs',
        '111122223333',
        'CloudTrail-Insight',
        'us-east-1',
        '2026',
        '03',
        '02',
        '111122223333_CloudTrail-Insight_us-east-1_20260302T1010Z_abcdefghijklmnop.json.gz',
      ),
      gzipSync(trail([insight('Start', shared), insight('End', shared)])),
    );
    // an ordinary API call that talks about Insights is still an event
    write(
      dir,
      'api.json',
      trail([
        rec({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutInsightSelectors',
          requestParameters: {
            trailName: 't',
            insightSelectors: [{ insightType: 'ApiCallRateInsight' }],
            note: 'AwsCloudTrailInsight',
          },
        }),
      ]),
    );
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(await count(store, 'rejects')).toBe(0);
    expect(s.rejectedFiles).toBe(0);
    expect(await count(store, 'events')).toBe(1);
    expect(await count(store, 'events', "event_name = 'PutInsightSelectors'")).toBe(1);
    // an Insight about CopySnapshot call rates must never look like a copy
    expect(await count(store, 'events', "event_name = 'CopySnapshot'")).toBe(0);
    expect(s.skippedByRule?.['Insights files (call-rate statistics, not API activity)']).toBe(1);
    expect(
      await count(
        store,
        'ingested_files',
        "status = 'skipped' and record_count = 2 and error like 'Insights%'",
      ),
    ).toBe(1);
  });

  it('treats a digest found by its content anywhere as a digest, with the .sig beside it as its signature', async () => {
    const dir = tempDir();
    const digest = {
      awsAccountId: '111122223333',
      digestStartTime: '2026-03-02T10:00:00Z',
      digestEndTime: '2026-03-02T11:00:00Z',
      digestS3Bucket: 'b',
      digestS3Object: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/d.json.gz',
      digestPublicKeyFingerprint: 'f'.repeat(32),
      digestSignatureAlgorithm: 'SHA256withRSA',
      previousDigestSignature: null,
      logFiles: [],
    };
    write(dir, 'downloads/digest-copy.dat', JSON.stringify(digest));
    write(dir, 'downloads/digest-copy.dat.sig', `${'ab'.repeat(256)}\n`);
    write(
      dir,
      'downloads/zipped-digest.gz',
      gzipSync(JSON.stringify({ ...digest, digestEndTime: '2026-03-02T12:00:00Z' })),
    );
    write(dir, 'stray.sig', 'cd'.repeat(256));
    write(dir, 'log.json', trail([rec()]));
    write(dir, 'log.json.sig', 'ef'.repeat(256));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.digests).toBe(2);
    expect(s.rejectedFiles).toBe(0);
    expect(await count(store, 'events')).toBe(1);
    expect(await count(store, 'digests', `signature = '${'ab'.repeat(256)}'`)).toBe(1);
    expect(s.skippedFiles?.['digest signature files (.sig)']).toEqual([
      join(dir, 'downloads', 'digest-copy.dat.sig'),
    ]);
    expect(s.skippedFiles?.['signature files (.sig) with no file beside them']).toEqual([
      join(dir, 'stray.sig'),
    ]);
    expect(
      s.skippedFiles?.['signature files (.sig) unused: the file beside them was not read as a digest'],
    ).toEqual([join(dir, 'log.json.sig')]);
    expect(await accountedFor(store, s)).toEqual(regularFiles(dir));
  });
});

describe('ingest dir: re-runs', () => {
  it('splits what the ledger already knows into loaded, rejected and duplicate', async () => {
    const dir = tempDir();
    write(dir, 'a.json', trail([rec()]));
    write(dir, 'b-copy.json', JSON.stringify({ Records: [] }));
    write(dir, 'c-copy.json', JSON.stringify({ Records: [] }));
    write(dir, 'd-bad.json', '{"Records": [');
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const again = await ingestDir(store, [dir]);
    expect(again.loaded).toBe(0);
    expect(again.skipped).toBe(4);
    expect(again.alreadyRejected).toBe(1);
    expect(again.alreadyDuplicate).toBe(1);
  });
});

describe('ingest dir: what the summary prints', () => {
  it('shows control characters from names and reasons as escapes, keeping the summary its own lines', async () => {
    const dir = tempDir();
    write(dir, 'good.json', trail([rec()]));
    write(dir, 'evil\x1b[2J\x1b]0;owned\x07.txt', 'not json');
    const badFolder = join(dir, 'bad\x1b[31m');
    mkdirSync(badFolder);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir], undefined, undefined, {
      fs: {
        readdirSync: ((path: string, opts: unknown) => {
          if (path === badFolder) throw new Error(`EACCES: permission denied, scandir '${path}'`);
          return readdirSync(path, opts as { withFileTypes: true });
        }) as typeof readdirSync,
      },
    });
    const text = formatIngestSummary(s);
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(text).toContain('evil\\x1b[2J\\x1b]0;owned\\x07.txt');
    expect(text).toContain('rejected: 1 unreadable folder');
    expect(text).toContain('skipped: 1 not JSON, gzip or zip (evil');
    expect(text.split('\n')[0]).toBe(
      'files:   3 seen, 1 loaded, 0 already loaded, 0 duplicate content, 1 rejected, 0 digest, 1 skipped by rule',
    );
  });

  it('a stopped run says how many files it found but did not read', async () => {
    const dir = tempDir();
    write(dir, 'a.json', trail([rec()]));
    write(dir, 'b.json', trail([rec()]));
    write(dir, 'NOTES', 'text');
    const stop = new AbortController();
    stop.abort();
    const s = await ingestDir(await memoryStore(), [dir], undefined, stop.signal);
    expect(s.interrupted).toBe(true);
    expect(s.unaccounted).toBe(2);
    expect(formatIngestSummary(s)).toMatch(/^not read: 2 files found were not read before the run stopped/m);
    const done = await ingestDir(await memoryStore(), [dir]);
    expect(done.unaccounted).toBe(0);
    expect(formatIngestSummary(done)).not.toMatch(/not read|unaccounted/);
  });

  it('terminalSafe escapes C0, DEL, C1 and bidi controls; multiline keeps newlines and tabs', () => {
    expect(printable('a\x1b[31mred\x1b[0m')).toBe('a\\x1b[31mred\\x1b[0m');
    expect(printable('\x00\x7f\x9b\u202e!')).toBe('\\x00\\x7f\\x9b\\u202e!');
    expect(printable('one\ntwo\tthree')).toBe('one\\x0atwo\\x09three');
    expect(printable('one\ntwo\tthree\r', { multiline: true })).toBe('one\ntwo\tthree\\x0d');
    // ordinary text, including non-ASCII names, is left alone
    expect(printable('Zürich ✓ 東京')).toBe('Zürich ✓ 東京');
  });

  it('counts a re-run by what the ledger knows: already loaded, already rejected, already duplicate', async () => {
    const dir = tempDir();
    write(dir, 'a.json', trail([rec()]));
    write(dir, 'b.json', trail([]));
    write(dir, 'c-copy.json', trail([]));
    write(dir, 'd-bad.json', '{"Records": [');
    const store = await memoryStore();
    const first = formatIngestSummary(await ingestDir(store, [dir]));
    expect(first).toMatch(
      /^files: {3}4 seen, 2 loaded, 0 already loaded, 1 duplicate content, 1 rejected, 0 digest$/m,
    );
    expect(first).toMatch(/^rejected: 1 malformed JSON$/m);
    const again = formatIngestSummary(await ingestDir(store, [dir]));
    expect(again).toMatch(
      /^files: {3}4 seen, 0 loaded, 2 already loaded, 1 already rejected, 1 already duplicate, 0 duplicate content, 0 rejected, 0 digest$/m,
    );
  });

  it('reads --max-file-size values with their units, and refuses nonsense and sizes past the ceiling', () => {
    const size = byteSize(512 * 1024 * 1024);
    expect(size.parse('256MB')).toBe(256_000_000);
    expect(size.parse('256MiB')).toBe(256 * 1024 * 1024);
    expect(size.parse('1.5kib')).toBe(1536);
    expect(size.parse('1000')).toBe(1000);
    expect(size.safeParse('lots').success).toBe(false);
    expect(size.safeParse('0').success).toBe(false);
    expect(size.safeParse('1GB').success).toBe(false);
    expect(size.safeParse('-5MB').success).toBe(false);
  });

  it('copytrail ingest dir --max-file-size: caps the run, and a bad value is a usage error', () => {
    const dir = tempDir();
    write(dir, 'big.json', trail([rec({ userAgent: 'z'.repeat(4000) })]));
    write(dir, 'small.json', trail([rec()]));
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'copytrail.mjs');
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, '--db', join(dir, 'x.duckdb'), 'ingest', 'dir', ...args], {
        encoding: 'utf8',
        timeout: 120_000,
      });
    const ok = run(['--max-file-size', '2KiB', join(dir, 'big.json'), join(dir, 'small.json')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/1 loaded, .*1 rejected/);
    expect(ok.stdout).toMatch(/^rejected: 1 too large$/m);
    const bad = run(['--max-file-size', '2 lots', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--max-file-size: '2 lots' is not a size/);
  });
});
