// The text of a record the JS normaliser took and the batch then rejected (an eventID stored with
// another eventTime). Normalised lines do not carry each record's text, so the few rejected ones are
// read again from their file, checked against the hash the ledger holds for it.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { InputFile } from './loader-parts.ts';
import { recordText } from './normalise.ts';

export interface RecordText {
  text: string;
  /** true: the record's JSON, as the file spells it; false: a note on why it could not be read */
  json: boolean;
}

/**
 * The texts of records `indexes` of `file`, as the file spells them. When the file cannot be read
 * again, inflates past `maxBytes` (the cap it was first read under) or has changed since it was
 * hashed, each text is a note that says so instead.
 */
export async function recordTexts(
  file: InputFile,
  sha256: string,
  indexes: number[],
  maxBytes: number,
): Promise<Map<number, RecordText>> {
  const texts = new Map<number, RecordText>();
  let text: string;
  try {
    let body = await file.read();
    if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b)
      body = gunzipSync(body, { maxOutputLength: maxBytes });
    if (createHash('sha256').update(body).digest('hex') !== sha256)
      throw new Error('it changed since it was read');
    text = body.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  } catch (err) {
    const note = `(the record's text could not be read again from ${file.location}: ${(err as Error).message})`;
    for (const i of indexes) texts.set(i, { text: note, json: false });
    return texts;
  }
  for (const i of indexes) {
    const record = recordText(text, i);
    texts.set(
      i,
      record === undefined
        ? { text: `(record ${i} is not in ${file.location} as it was read)`, json: false }
        : { text: record, json: true },
    );
  }
  return texts;
}
