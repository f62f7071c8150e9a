// Text that reaches the operator's terminal from input (file names, record fields inside reasons)
// may carry escape sequences that recolour, hide or rewrite the screen: show controls as escapes.

// C0 controls, DEL, C1 controls, and the bidirectional overrides that reorder what a line appears to say
const ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function shown(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character shown as `\xNN` (or `\uNNNN`). A single line (locations,
 * reasons) escapes newlines and tabs too; `multiline` keeps them, for a whole summary.
 */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? MULTILINE : ONE_LINE, shown);
}
