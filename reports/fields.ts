// The field types report schemas are written in: row contracts and view models alike.
import { z } from 'zod';

export const text = z.string();
export const textOrNull = z.string().nullable();
// Rows arrive lossless (queries/ reads them with getRowObjectsJson): BIGINT, HUGEINT and DECIMAL
// come as text, so a count read from the store is coerced here and nowhere else.
export const count = z.coerce.number();
/** A LIST of ids, as an array or as its JSON text. */
export const ids = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(z.string()));
