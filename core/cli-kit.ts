// What every command shares: the global options, the database path, output that is safe for a
// terminal, and the one way a command stops on SIGINT/SIGTERM.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatRows } from './format.ts';

/** The options every command takes, defined once on the program (cli.ts), spelled as the AWS CLI does. */
export interface GlobalOptions {
  db?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  output?: string;
  quiet?: boolean;
  debug?: boolean;
  color?: boolean;
}

/** `--output`: one JSON document, tab-separated AWS-CLI text, an aligned table, or CSV. */
export const OUTPUTS = ['table', 'json', 'csv', 'text'] as const;
export type Output = (typeof OUTPUTS)[number];

/** A `--output` (or `--format`) value, checked; the error names the flag and the accepted values. */
export function parseOutput(value: string, flag = '--output', accepted: readonly string[] = OUTPUTS): string {
  if (!accepted.includes(value))
    throw new UsageError(`${flag} must be one of ${accepted.join(', ')}, not '${value}'`);
  return value;
}

/**
 * The output a command prints in: its own `--format` when given (an alias kept for scripts), else the
 * global `--output`, else a table. `accepted` is what the command can print; --output's four values
 * are always accepted and `fallback` maps one the command has no printer for.
 */
export function outputOf<F extends string>(
  global: GlobalOptions,
  format: string | undefined,
  accepted: readonly F[],
  fallback: (o: Output) => F = (o) => o as unknown as F,
): F {
  if (format !== undefined) return parseOutput(format, '--format', accepted) as F;
  if (global.output !== undefined) return fallback(parseOutput(global.output) as Output);
  return fallback('table');
}

/**
 * Rows in an --output format. `text` is the AWS CLI's: one line per row, values tab-separated, no
 * header, a tab or newline inside a value escaped so each row stays one line; empty values print
 * as `None`, as the AWS CLI prints them.
 */
export function renderRows(columns: string[], rows: Record<string, unknown>[], output: Output): string {
  if (output !== 'text') return formatRows(columns, rows, output);
  const value = (v: unknown) =>
    v === null || v === undefined || v === ''
      ? 'None'
      : terminalSafe(typeof v === 'object' ? JSON.stringify(v) : String(v));
  return rows.map((r) => columns.map((c) => value(r[c])).join('\t')).join('\n');
}

/** --quiet (COPYTRAIL_QUIET=1): no progress and no informational lines; errors and asked-for data still print. */
export const isQuiet = (): boolean => process.env.COPYTRAIL_QUIET === '1';

export class UsageError extends Error {
  override name = 'UsageError';
}

const DEFAULT_DB = 'copytrail.duckdb';

/**
 * A named AWS profile must be in the shared config or credentials file (where the AWS CLI and the
 * SDK look: $AWS_CONFIG_FILE, $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/). Otherwise the SDK's
 * answer would be "could not load credentials from any providers", which does not name the flag.
 * Only section names are read; credentials stay where they are, unread and unprinted.
 */
export function checkProfile(name: string, flag = '--profile'): void {
  const files = [
    process.env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'),
    process.env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
  ];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]/gm)) if (m[1] === name) return;
  }
  throw new UsageError(`${flag}: no profile '${name}' in ${files.join(' or ')}`);
}

/** Resolves the database path the way every command does: flag, then COPYTRAIL_DB, then ./copytrail.duckdb. */
export function resolveDbPath(flag?: string): string {
  return flag ?? (process.env.COPYTRAIL_DB || DEFAULT_DB);
}

/**
 * The database path for a command that reads what ingest wrote: a path with no database is an
 * input error (exit 2), never a fresh empty store that answers "nothing found".
 */
export function existingDbPath(opts: GlobalOptions, hint = 'run `copytrail ingest …` first'): string {
  const path = resolveDbPath(opts.db);
  if (path !== ':memory:' && !existsSync(path)) throw new UsageError(`no database at ${path}; ${hint}`);
  return path;
}

// A record or a file name can carry ESC sequences that would rewrite the analyst's terminal (clear
// it, move the cursor, set the title), and bidi or line-separator marks that reorder what a line
// appears to say. C0 controls, DEL, C1 controls and those marks; a multi-line text keeps \n and \t.
const ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const MULTILINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function shown(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from a record or a file name, safe to print: every control character shown as `\xNN` (or
 * `\uNNNN`). One line (a location, a reason) escapes newlines and tabs too; `multiline` keeps them.
 */
export function terminalSafe(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? MULTILINE : ONE_LINE, shown);
}

export function out(text: string): void {
  const safe = terminalSafe(text, { multiline: true });
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** An informational line (a summary, where files went): silenced by --quiet. Data goes through out(). */
export function info(text: string): void {
  if (!isQuiet()) out(text);
}

/**
 * A command's closing summary (ingest, correlate, report, export): with `--output json` the summary
 * as one JSON document, printed as data (--quiet keeps it: it was asked for); otherwise the human
 * lines, which --quiet silences.
 */
export function summary(global: GlobalOptions, human: string, data: unknown): void {
  if (global.output === 'json') out(toJson(data));
  else info(human);
}

/** One JSON document, indented, for any value a command prints. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonSafe, 2);
}

/** JSON for values a summary may hold: BigInt as a string, a Map or Set as its entries, a Date as ISO. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

export function warn(text: string): void {
  const safe = terminalSafe(text, { multiline: true });
  process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Exit status of a command stopped by a signal, as a shell reports it: 128 + the signal number. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface Interrupt {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that stopped the command, if any. */
  readonly received: StopSignal | null;
  /** Sets process.exitCode to 130/143 when a signal arrived; returns true if one did. */
  settleExitCode(): boolean;
  release(): void;
}

/**
 * Catches the first SIGINT or SIGTERM so the command can finish or roll back the batch in flight,
 * checkpoint and say what was saved. The handler is removed at once, so a second signal takes
 * Node's default action and ends the process: committed batches are safe either way.
 */
export function onInterrupt(what = 'stopping after the batch in flight'): Interrupt {
  const abort = new AbortController();
  let received: StopSignal | null = null;
  const handler = (sig: StopSignal) => {
    received = sig;
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.stderr.write(`\ncopytrail: ${sig}: ${what} (again to quit now)\n`);
    abort.abort(new Error(`interrupted by ${sig}`));
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    get received() {
      return received;
    },
    settleExitCode() {
      if (!received) return false;
      process.exitCode = SIGNAL_EXIT[received];
      return true;
    },
    release() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
