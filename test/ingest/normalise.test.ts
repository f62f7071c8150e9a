// The JS normaliser (ingest/normalise.ts, a line per record) and the typed read of whole files
// (ingest/typed-trail.ts) store exactly what the SQL normaliser stores, or leave the file to it: the
// same odd files are ingested all three ways (COPYTRAIL_FAST_NORMALISE=0 forces SQL, =records the
// line per record) and every stored value compared; and the files each must take, it does take.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { normaliseTrail, recordText } from '../../ingest/normalise.ts';
import { prepareFile } from '../../ingest/prepare-file.ts';
import { recordTexts } from '../../ingest/reject-text.ts';
import { TYPED_MAX_BYTES, typedTrail } from '../../ingest/typed-trail.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { base, LEFT, spaced, TAKEN, trail, WHOLE, writeAll } from './normalise-fixtures.ts';
import { storeHash } from './store-hash.ts';

afterEach(() => {
  delete process.env.COPYTRAIL_FAST_NORMALISE;
  delete process.env.COPYTRAIL_BATCH_MB;
});

describe('the JS normaliser', () => {
  it('takes the files written in CloudTrail form', () => {
    for (const [name, text] of Object.entries(TAKEN)) expect(normaliseTrail(text), name).not.toBeNull();
  });

  it('leaves to SQL the files it could store differently', () => {
    for (const [name, text] of Object.entries(LEFT)) expect(normaliseTrail(text), name).toBeNull();
  });

  it('stores the same values as the SQL normaliser, rejects included, with the files in one batch', async () => {
    // the end-to-end suite runs the same files a batch per file, where a record re-delivered with
    // another time meets the stored one (a conflict)
    const dir = tempDir();
    writeAll(dir);
    const results = [];
    for (const fast of ['0', 'records', 'typed']) {
      process.env.COPYTRAIL_FAST_NORMALISE = fast;
      const store = await memoryStore();
      const summary = await ingestDir(store, [dir]);
      results.push({ hash: await storeHash(store, dir), summary: { ...summary, seconds: 0 } });
      store.close();
    }
    expect(results[0]!.hash.events).toBeGreaterThan(30);
    expect(results[0]!.hash.rejects_hash).not.toBeNull();
    expect(results[1], 'a line per record').toEqual(results[0]);
    expect(results[2], 'whole files, typed').toEqual(results[0]);
  });

  it.each([
    // eventName is read only by the insert into events: DuckDB refuses it inside the transaction,
    // which rolls back
    ['inside the transaction', 'record-duplicate-name', LEFT['record-duplicate-name']!],
    // eventID is read with the keys, before the transaction
    [
      'while staging the keys',
      'record-duplicate-id',
      trail(base('i8')).replace('"eventID":', '"eventID":"forged-id","eventID":'),
    ],
  ])(
    'stores the same values with the whole files in one batch, one of them refused by DuckDB %s',
    async (_when, name, text) => {
      // the duplicate key makes DuckDB refuse the typed lines of the whole batch: every file of it is
      // taken again a line per record, and that one goes to SQL
      const dir = tempDir();
      const files = { ...WHOLE, [name]: text };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.json`), text);
      const results = [];
      for (const fast of ['0', 'typed']) {
        process.env.COPYTRAIL_FAST_NORMALISE = fast;
        const store = await memoryStore();
        const summary = await ingestDir(store, [dir]);
        results.push({ hash: await storeHash(store, dir), summary: { ...summary, seconds: 0 } });
        store.close();
      }
      expect(results[0]!.summary.loaded).toBe(Object.keys(files).length);
      expect(results[1]).toEqual(results[0]);
    },
  );
});

describe('the typed read of whole files', () => {
  const typed = (text: string) => typedTrail(text, Buffer.from(text), 7).rows;

  it('takes the files in CloudTrail form, spaced or not, with the fields CloudTrail adds in order', () => {
    for (const [name, text] of Object.entries({ ...TAKEN, ...WHOLE })) {
      if (name === 'extra-fields' || name.startsWith('added-field')) continue;
      expect(typed(text), name).not.toBeNull();
    }
    expect(typed(WHOLE['added-fields-in-order']!)).not.toBeNull();
    // JSON.parse cannot see a key written twice: DuckDB refuses the line and the loader takes it again
    expect(typed(LEFT['record-duplicate-name']!)).not.toBeNull();
  });

  it('leaves the rest to a line per record or to SQL', () => {
    const refused = {
      ...Object.fromEntries(Object.entries(LEFT).filter(([name]) => name !== 'record-duplicate-name')),
      'extra-fields': TAKEN['extra-fields']!,
      'added-fields-out-of-order': WHOLE['added-fields-out-of-order']!,
      'added-field-null': WHOLE['added-field-null']!,
      'leading-space': ` ${trail(base('x1'))}`,
      'event-source-not-printable': trail(base('x2', { eventSource: 'ec2.amazonaws.com\t' })),
      'name-empty': trail(base('x3', { eventName: '' })),
      'management-as-text': trail(base('x4', { managementEvent: 'true' })),
      // a line break would end the NDJSON line, wherever it is but at the end
      'line-feed-between-tokens': trail(base('x7')).replace(',"eventName"', ',\n"eventName"'),
      'carriage-return-between-tokens': trail(base('x8')).replace(',"eventName"', ',\r"eventName"'),
      // an Insights record is skipped with its file, even one that names a call of its own
      'insight-with-a-name': trail(base('x9', { eventType: 'AwsCloudTrailInsight' })),
      'insight-category': trail(base('xa', { eventCategory: 'Insight' })),
    };
    for (const [name, text] of Object.entries(refused)) expect(typed(text), name).toBeNull();
    // a file DuckDB would hold at several times its size in one go
    expect(typed(trail(base('x6', { errorMessage: 'x'.repeat(TYPED_MAX_BYTES) })))).toBeNull();
    const text = trail(base('x5'));
    // bytes that are not UTF-8 would decode one way here and another in DuckDB
    const broken = Buffer.concat([
      Buffer.from(text.slice(0, 40)),
      Buffer.from([0xff]),
      Buffer.from(text.slice(40)),
    ]);
    expect(typedTrail(broken.toString('utf8'), broken, 1).rows).toBeNull();
    // a byte order mark: the line would not start where the file's value does
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(typedTrail(text, bom, 1).rows).toBeNull();
  });

  it('leaves a file that is not valid JSON to SQL, whichever way was asked for', async () => {
    // the walk of a line per record only finds where values end: it would cut 8x out as a number
    const bad = trail(base('z1')).replace('"size":8', '"size":8x');
    for (const typed of [true, false]) {
      const prepared = await prepareFile(Buffer.from(bad), 0, false, { fastTag: 1, typed });
      expect(prepared.kind, `typed: ${typed}`).toBe('log');
    }
    // valid, with a field only a line per record keeps: parsed once, then walked
    const extra = TAKEN['extra-fields']!;
    const prepared = await prepareFile(Buffer.from(extra), 0, false, { fastTag: 1, typed: true });
    expect(prepared).toMatchObject({ kind: 'fast', rows: { form: 'records', tag: 1 } });
  });

  it('skips a file of Insights records before any whole-file read, even one naming a call', async () => {
    const text = trail(
      base('xb', { eventType: 'AwsCloudTrailInsight' }),
      base('xc', { eventCategory: 'Insight', eventType: 'AwsCloudTrailInsight' }),
    );
    const prepared = await prepareFile(Buffer.from(text), 0, false, { fastTag: 1, typed: true });
    expect(prepared).toMatchObject({ kind: 'skipped', records: 2 });
  });

  it('writes the file as one line with its tag, in bytes of its own', () => {
    const text = `${spaced(trail(base('y1'), base('y2')))} \n`;
    const rows = typed(text)!;
    expect(rows).toMatchObject({ form: 'file', tag: 7, count: 2 });
    const line = Buffer.from(rows.lines as Uint8Array).toString('utf8');
    expect(line).toBe(`{"_p":7,${text.trimEnd().slice(1)}\n`);
    expect(rows.longest).toBe(Buffer.byteLength(line));
    // moved whole to the main thread: never a view into a shared pool
    expect((rows.lines as Uint8Array).buffer.byteLength).toBe((rows.lines as Uint8Array).byteLength);
  });
});

describe('the text of a normalised record rejected later', () => {
  const text = trail(base('k1'), base('k2'));
  const sha = createHash('sha256').update(text).digest('hex');
  const file = (body: Buffer) => ({
    location: 'AWSLogs/k.json.gz',
    size: body.length,
    read: async () => body,
  });

  it('is read again from its file, gzipped or not, spelt as the file spells it', async () => {
    for (const body of [Buffer.from(text), gzipSync(text)]) {
      const texts = await recordTexts(file(body), sha, [1], 1 << 20);
      expect(texts.get(1)).toEqual({ text: JSON.stringify(base('k2')), json: true });
    }
    const odd = '{"Records":[{"a":1},{"b":8.0,"c":"x\\/y","d":{"e":[1,{}]}}]}';
    expect(recordText(odd, 1)).toBe('{"b":8.0,"c":"x\\/y","d":{"e":[1,{}]}}');
    expect(recordText(odd, 2)).toBeUndefined();
    // a file taken whole may hold whitespace between its records
    expect(recordText('{"Records":[ {"a":1} ,\n {"b":[2, 3]} ]}', 1)).toBe('{"b":[2, 3]}');
  });

  it('says so, naming the file, when the file changed since it was hashed or cannot be read', async () => {
    const changed = await recordTexts(file(Buffer.from(text.replace('k2', 'k3'))), sha, [0, 1], 1 << 20);
    expect(changed.get(0)?.json).toBe(false);
    expect(changed.get(0)?.text).toMatch(/could not be read again from AWSLogs\/k\.json\.gz: it changed/);
    expect(changed.get(1)).toEqual(changed.get(0));
    const gone = await recordTexts(
      {
        location: 'AWSLogs/k.json.gz',
        size: 1,
        read: async () => {
          throw new Error('ENOENT: no such file');
        },
      },
      sha,
      [0],
      1 << 20,
    );
    expect(gone.get(0)?.text).toMatch(/ENOENT/);
    // replaced by a file that inflates past the cap it was first read under: stopped, not inflated
    const bomb = await recordTexts(file(gzipSync(Buffer.alloc(4 << 20))), sha, [0], 1 << 20);
    expect(bomb.get(0)?.json).toBe(false);
    expect(bomb.get(0)?.text).toMatch(
      /could not be read again from AWSLogs\/k\.json\.gz: .*(buffer|length|larger)/i,
    );
  });
});
