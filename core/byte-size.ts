// The `--max-file-size` value: a byte count with an optional unit. KB, MB and GB are powers of 1000,
// KiB, MiB and GiB powers of 1024, as their names say; the summary prints the exact byte count.
import { z } from 'zod';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** A size string to a byte count between 1 and `ceiling`; the error says what is wrong with it. */
export function byteSize(ceiling: number) {
  return z.string().transform((text, ctx) => {
    const m = SIZE.exec(text);
    const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
    if (!m || unit === undefined) {
      ctx.addIssue({ code: 'custom', message: `'${text}' is not a size (e.g. 256MB, 512MiB, 1000000)` });
      return z.NEVER;
    }
    const bytes = Math.floor(Number(m[1]) * unit);
    if (bytes < 1 || bytes > ceiling) {
      ctx.addIssue({
        code: 'custom',
        message: `'${text}' is ${bytes} bytes; it must be from 1 to ${ceiling}`,
      });
      return z.NEVER;
    }
    return bytes;
  });
}
