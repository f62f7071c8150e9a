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
import { storeHash } from './store-hash.ts';

const base = (id: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.08',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROA:me',
    arn: 'arn:aws:sts::111122223333:assumed-role/r/me',
    accountId: '111122223333',
    sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/r' }, attributes: {} },
  },
  eventTime: '2026-03-02T10:00:05Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'CopySnapshot',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '10.0.0.1',
  userAgent: 'aws-cli/2 "quoted" <tag> & é 😀',
  requestParameters: {
    sourceSnapshotId: 'snap-1',
    encrypted: true,
    size: 8,
    nested: { a: [1, 'two', null] },
  },
  responseElements: null,
  requestID: 'req-1',
  eventID: id,
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111122223333',
  eventCategory: 'Management',
  ...extra,
});

const trail = (...records: unknown[]) => JSON.stringify({ Records: records });

/** Files the JS normaliser must take: CloudTrail's own form, with the fields' usual variety. */
const TAKEN: Record<string, string> = {
  plain: trail(base('a1'), base('a2', { eventTime: '2026-03-02T10:00:06.123Z' })),
  'proxied-source': trail(base('b1', { eventSource: 'kms.amazonaws.com.rproxy.goskope.com' })),
  'extra-fields': trail(base('c1', { zeta: { x: 1 }, alpha: null, tlsDetails: { tlsVersion: 'TLSv1.3' } })),
  'nulls-and-absence': trail(
    base('d1', {
      userIdentity: { type: null, sessionContext: null },
      readOnly: null,
      awsRegion: null,
      resources: [{ ARN: 'arn:aws:ec2:eu-west-1::snapshot/snap-1' }],
    }),
    {
      eventID: 'd2',
      eventTime: '2026-03-02T11:00:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
    },
  ),
  'escapes-js-and-duckdb-agree-on': trail(
    base('e1', { errorMessage: 'line\nbreak\ttab\\slash"q\u2028\b\f' }),
  ),
  'integers-and-floats': trail(base('f1', { additionalEventData: { n: [0, -5, 1.5, 0.1, 2 ** 53 - 1] } })),
  'empty-records': trail(),
  // long runs of digits and "e+" inside strings (hex digests, ids) are text, not numbers
  'digits-in-strings': trail(
    base('j1', {
      additionalEventData: {
        keyMaterialId: 'fbc65e7053ce1ef04e5da990c99ee36c8e878a6baf0928500264662129093efe',
      },
      responseElements: { grantId: '5060984331356b14118a7786902190113292881c14dbeea441', note: '1e+21' },
    }),
  ),
  'long-integer-in-range': trail(base('j2', { additionalEventData: { n: 123456789012345680 } })),
  'conflicting-time': trail(base('a1', { eventTime: '2026-03-02T10:00:09Z' })),
  // values the file spells otherwise than JSON.stringify would go to DuckDB as the file's own text,
  // so DuckDB reads them as the SQL normaliser does
  'escaped-slash': trail(base('g2')).replace('aws-cli/2', 'aws-cli\\/2'),
  'exponent-plus': trail(base('g5', { additionalEventData: { big: 1e21 } })),
  'long-integer': trail(base('g6')).replace('"size":8', '"size":12345678901234567890'),
  // spelt by JSON.stringify exactly as written, but past a signed 64-bit integer
  'long-integer-round-trips': trail(base('g6b', { requestParameters: { size: -9300000000000000000 } })),
  'long-integer-beside-digit-strings': trail(
    base('g6c', { requestParameters: { id: '09285002646621290931', size: 93000000000000000000 } }),
  ),
  'float-spelt-long': trail(base('g7')).replace('"size":8', '"size":8.0'),
  'nested-duplicate-key': trail(base('g8')).replace('"size":8', '"size":8,"size":9'),
  // the actor fields go to DuckDB as written too: DuckDB decodes the escape
  'identity-escaped': trail(base('g10')).replace('assumed-role/r/me', 'assumed-role\\/r\\/me'),
  'issuer-null-arn-null': trail(
    base('g11', { userIdentity: { type: 'Root', sessionContext: { sessionIssuer: null } } }),
    base('g12', { userIdentity: { type: 'Root', sessionContext: { sessionIssuer: { arn: null } } } }),
    base('g13', { userIdentity: { type: 'AWSService', invokedBy: 'backup.amazonaws.com' } }),
  ),
  // a conflict in such a file: the reject keeps the record's text as DuckDB spells it
  'conflicting-time-spelt-otherwise': trail(base('a2', { eventTime: '2026-03-02T10:00:07Z' }))
    .replace('"size":8', '"size":8.0')
    .replace('aws-cli/2', 'aws-cli\\/2'),
  // userIdentity goes to DuckDB as written and its actor columns are read from it in SQL, as the SQL
  // normaliser reads them: any shape of it is taken
  'identity-as-text': trail(base('h3', { userIdentity: 'root' })),
  'issuer-as-list': trail(base('h4', { userIdentity: { sessionContext: { sessionIssuer: ['x'] } } })),
  // JSON readers disagree on which of two equal keys wins
  'identity-duplicate-type': trail(base('i2')).replace(
    '"type":"AssumedRole"',
    '"type":"AssumedRole","type":"Root"',
  ),
  'issuer-duplicate-arn': trail(base('i3')).replace(
    '"sessionIssuer":{"arn":',
    '"sessionIssuer":{"arn":"arn:aws:iam::999999999999:role/x","arn":',
  ),
  'identity-spaced': trail(base('i5')).replace('"type":"AssumedRole"', '"type": "AssumedRole"'),
  'arn-as-number': trail(base('i6', { userIdentity: { type: 'Root', arn: 7 } })),
};

/** Files the SQL normaliser must take: spelt another way, odd types, or records it rejects. */
const LEFT: Record<string, string> = {
  'pretty-printed': JSON.stringify({ Records: [base('g1')] }, null, 2),
  'unicode-escape': trail(base('g3')).replace('é', '\\u00e9'),
  'control-char': trail(base('g4', { errorMessage: 'unit\u001fsep' })),
  // JSON.parse lists an integer-like key first: the text no longer reads back in order
  'numeric-key': trail(base('g9')).replace('"eventCategory"', '"7":"seven","eventCategory"'),
  'readonly-as-text': trail(base('h1', { readOnly: 'true' })),
  'region-as-number': trail(base('h2', { awsRegion: 5 })),
  'time-with-offset': trail(base('h5', { eventTime: '2026-03-02T11:00:05+01:00' })),
  'time-not-a-day': trail(base('h6', { eventTime: '2026-02-30T10:00:05Z' })),
  'missing-name': trail({
    eventID: 'h7',
    eventTime: '2026-03-02T10:00:05Z',
    eventSource: 'ec2.amazonaws.com',
  }),
  'id-not-text': trail(base('h8', { eventID: 42 })),
  'record-not-object': trail(base('h9'), 'just a string'),
  // its raw text goes into the reject as DuckDB spells it (\u001F), not as JSON.stringify does
  'conflicting-time-odd-spelling': trail(
    base('a2', { eventTime: '2026-03-02T10:00:09Z', errorMessage: 'unit\u001fsep' }),
  ),
  'top-level-second-key': JSON.stringify({ Records: [base('i1')], other: 1 }),
  // a key the lines add would be read twice
  'line-key-in-record': trail(base('i7', { _x: { a: 1 } })),
  'record-duplicate-name': trail(base('i4')).replace(
    '"eventName":',
    '"eventName":"DeleteSnapshot","eventName":',
  ),
};

/** The records of a trail file spelt with spaces between their tokens; its head as CloudTrail writes it. */
const spaced = (text: string) =>
  `{"Records":[ ${text.slice(12).replaceAll(',"', ', "').replaceAll('":', '" : ')}`;

/** Files only the typed read takes whole: spelt with spaces, or with the fields CloudTrail adds. */
const WHOLE: Record<string, string> = {
  'spaced-between-tokens': spaced(trail(base('w1'), base('w2'))),
  'trailing-newline': `${trail(base('w3'))}\n`,
  'added-fields-in-order': trail(
    base('w4', { vpcEndpointAccountId: '111122223333', sessionCredentialFromConsole: 'true' }),
    base('w5', { apiVersion: '2016-11-15', edgeDeviceDetails: { type: 'outposts', n: [1.5, null] } }),
    base('w6'),
  ),
  // the typed read joins these in its own order and cannot tell null from absent: a line per record
  'added-fields-out-of-order': trail(base('w7', { sessionCredentialFromConsole: 'true', apiVersion: 'x' })),
  'added-field-null': trail(base('w8', { vpcEndpointAccountId: null })),
  // a conflict in a spaced file: the reject's text is read again from it
  'conflicting-time-spaced': spaced(trail(base('w1', { eventTime: '2026-03-02T10:00:08Z' }))),
};

function writeAll(dir: string): void {
  let n = 0;
  for (const [name, text] of Object.entries({ ...TAKEN, ...LEFT, ...WHOLE })) {
    // the same content twice would be a duplicate file: the gzipped copy gets its own event ids
    writeFileSync(join(dir, `${String(n++).padStart(2, '0')}-${name}.json`), text);
    const gz = text.replace(/"eventID":"([^"]*)"/g, '"eventID":"$1-gz"');
    writeFileSync(join(dir, `${String(n++).padStart(2, '0')}-${name}.json.gz`), gzipSync(gz));
  }
}

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

  it('stores the same values as the SQL normaliser, rejects and conflicts included', async () => {
    const dir = tempDir();
    writeAll(dir);
    // a batch per file: a record re-delivered with another time meets the stored one (a conflict)
    process.env.COPYTRAIL_BATCH_MB = '0.000001';
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
