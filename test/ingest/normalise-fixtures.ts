// Odd trail files for the normaliser tests: the files the JS normaliser must take, those it must leave
// to SQL, and those only the typed read takes whole. normalise.test.ts compares the three ways on them in
// one batch; the end-to-end suite again with a batch per file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const base = (id: string, extra: Record<string, unknown> = {}) => ({
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

export const trail = (...records: unknown[]) => JSON.stringify({ Records: records });

/** Files the JS normaliser must take: CloudTrail's own form, with the fields' usual variety. */
export const TAKEN: Record<string, string> = {
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
export const LEFT: Record<string, string> = {
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
export const spaced = (text: string) =>
  `{"Records":[ ${text.slice(12).replaceAll(',"', ', "').replaceAll('":', '" : ')}`;

/** Files only the typed read takes whole: spelt with spaces, or with the fields CloudTrail adds. */
export const WHOLE: Record<string, string> = {
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

export function writeAll(dir: string): void {
  let n = 0;
  for (const [name, text] of Object.entries({ ...TAKEN, ...LEFT, ...WHOLE })) {
    // the same content twice would be a duplicate file: the gzipped copy gets its own event ids
    writeFileSync(join(dir, `${String(n++).padStart(2, '0')}-${name}.json`), text);
    const gz = text.replace(/"eventID":"([^"]*)"/g, '"eventID":"$1-gz"');
    writeFileSync(join(dir, `${String(n++).padStart(2, '0')}-${name}.json.gz`), gzipSync(gz));
  }
}
