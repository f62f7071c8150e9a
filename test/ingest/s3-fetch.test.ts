// The checks a downloaded body must pass before it is handed to the loader: named cases for plain,
// multipart and KMS-encrypted objects, short, long and corrupt bodies.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyProblem, etagIsMd5, type ListedObject } from '../../ingest/s3-fetch.ts';

const body = Buffer.from('{"Records":[{"eventID":"e1"}]}');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const plain: ListedObject = { key: 'k', size: body.length, etag: md5(body) };
// a multipart ETag is the MD5 of the parts' MD5s, then "-<parts>": never the body's MD5
const multipart: ListedObject = { key: 'k', size: body.length, etag: `${'a'.repeat(32)}-3` };

describe('etagIsMd5', () => {
  it('is true for a single-part upload stored plain or with SSE-S3', () => {
    expect(etagIsMd5(plain.etag)).toBe(true);
    expect(etagIsMd5(plain.etag, 'AES256')).toBe(true);
    expect(etagIsMd5(plain.etag.toUpperCase())).toBe(true);
  });

  it('is false for multipart uploads, SSE-KMS, DSSE-KMS, customer keys and odd ETags', () => {
    expect(etagIsMd5(multipart.etag)).toBe(false);
    expect(etagIsMd5(plain.etag, 'aws:kms')).toBe(false);
    expect(etagIsMd5(plain.etag, 'aws:kms:dsse')).toBe(false);
    expect(etagIsMd5(plain.etag, undefined, true)).toBe(false);
    expect(etagIsMd5('')).toBe(false);
    expect(etagIsMd5('not-an-md5')).toBe(false);
  });
});

describe('bodyProblem', () => {
  const got = (b: Buffer, over = {}) => ({ length: b.length, md5: md5(b), contentLength: b.length, ...over });
  const flipped = Buffer.from(body);
  flipped[5] = flipped[5]! ^ 0xff;

  it('accepts the listed body', () => {
    expect(bodyProblem(plain, got(body))).toBeNull();
  });

  it('names a short body and a long one', () => {
    expect(bodyProblem(plain, got(body.subarray(0, 10), { contentLength: undefined }))).toBe(
      `body short: 10 of ${body.length} bytes`,
    );
    const longer = Buffer.concat([body, Buffer.from('x')]);
    expect(bodyProblem(plain, got(longer, { contentLength: undefined }))).toMatch(/^body long/);
  });

  it('names a Content-Length that is not the listed size', () => {
    expect(bodyProblem(plain, got(body, { contentLength: body.length + 1 }))).toBe(
      `Content-Length ${body.length + 1} differs from the listed size ${body.length}`,
    );
  });

  it('names a corrupt body of the right length by its MD5', () => {
    expect(bodyProblem(plain, got(flipped))).toBe(
      `body MD5 ${md5(flipped)} differs from the ETag ${plain.etag}`,
    );
  });

  it('checks only the size when the ETag is not an MD5 (multipart, SSE-KMS)', () => {
    expect(bodyProblem(multipart, got(flipped))).toBeNull();
    expect(bodyProblem(plain, got(flipped, { serverSideEncryption: 'aws:kms' }))).toBeNull();
    expect(bodyProblem(multipart, got(body.subarray(1), { contentLength: undefined }))).toMatch(
      /^body short/,
    );
  });
});
