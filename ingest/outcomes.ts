// The names a run summary uses for files it did not load: the rules that skip a file, and the class
// of a reject reason (its words before the details), so the summary can count like with like.

/** Every rule that leaves a file out of a run, as the summary prints it. */
export const SKIP_RULES = {
  not_json: 'not JSON, gzip or zip',
  gzip_not_json: 'gzip files without JSON inside',
  empty: 'empty files',
  signature: 'digest signature files (.sig)',
  orphan_signature: 'signature files (.sig) with no file beside them',
  unused_signature: 'signature files (.sig) unused: the file beside them was not read as a digest',
  same_file: 'other names (links) for a file already seen',
  same_folder: 'other names (links) for a folder already walked',
  insights: 'Insights files (call-rate statistics, not API activity)',
} as const;

export type SkipRule = keyof typeof SKIP_RULES;

/**
 * The class of a reject reason: the words before its first colon, without counts in brackets.
 * "too large after decompression (> 1048576 bytes)" and "malformed JSON: Unexpected token" become
 * "too large after decompression" and "malformed JSON"; "not a regular file (FIFO)" stays whole.
 */
export function reasonClass(reason: string): string {
  const head = reason.split(':')[0]!;
  return head.replace(/\s*\([^)]*\d[^)]*\)/g, '').trim() || reason;
}
