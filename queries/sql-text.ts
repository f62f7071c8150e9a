// Composing SQL text from query files: the one place a value or a name may enter a statement as text,
// for the statements that cannot bind it (Athena DDL, CloudTrail Lake). A query file's {{slot}} takes
// only a fragment made here: a literal from quoteLiteral, an identifier from quoteIdent, or the text of
// another query file. Everything else is bound as a parameter.

import { sqlText } from './sql-files.ts';

export class SqlTextError extends Error {
  override name = 'SqlTextError';
}

/**
 * Where the text will run. DuckDB, Athena's Trino engine and CloudTrail Lake quote alike (`'…'`,
 * `"…"`, a quote doubled); Athena DDL is Hive, which quotes names with backticks and reads a
 * backslash in a string as an escape; Lake reads its FROM (an event data store id) bare.
 */
export type Dialect = 'duckdb' | 'trino' | 'hive' | 'lake';

const MINT = Symbol('sql fragment');

/** A piece of SQL text made by this module; nothing else can be placed in a slot. */
export class SqlFragment {
  readonly text: string;
  constructor(mint: symbol, text: string) {
    if (mint !== MINT) throw new SqlTextError('SQL fragments are made only by queries/sql-text.ts');
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

// C0 controls and DEL: no account, region, name, location or path means them, and some engines and
// logs cut or rewrite text at them
const CONTROL = /[\u0000-\u001f\u007f]/;
// Hive reads a backslash in a string as an escape, and two adjacent quoted strings as one: in DDL
// neither can be written safely, so neither is accepted
const HIVE_LITERAL_REFUSED = /['\\]/;
// what Lake's parser takes as a bare FROM name (an event data store id)
const LAKE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

/** A string as a SQL string literal in the given dialect; refuses text it cannot write faithfully. */
export function quoteLiteral(value: string, dialect: Dialect): SqlFragment {
  if (CONTROL.test(value)) throw new SqlTextError(`a control character cannot be part of a SQL literal`);
  if (dialect === 'hive' && HIVE_LITERAL_REFUSED.test(value)) {
    throw new SqlTextError(`a quote or backslash cannot be part of an Athena DDL literal: '${value}'`);
  }
  return new SqlFragment(MINT, `'${value.replaceAll("'", "''")}'`);
}

/** A name as a quoted SQL identifier in the given dialect (Lake: bare, and only a plain id). */
export function quoteIdent(name: string, dialect: Dialect): SqlFragment {
  if (name === '') throw new SqlTextError('an empty name is not an identifier');
  if (CONTROL.test(name)) throw new SqlTextError('a control character cannot be part of an identifier');
  switch (dialect) {
    case 'hive':
      return new SqlFragment(MINT, `\`${name.replaceAll('`', '``')}\``);
    case 'lake':
      if (!LAKE_NAME.test(name)) {
        throw new SqlTextError(`'${name}' is not a name CloudTrail Lake reads in FROM (letters, digits, -)`);
      }
      return new SqlFragment(MINT, name);
    default:
      return new SqlFragment(MINT, `"${name.replaceAll('"', '""')}"`);
  }
}

/** Another query file's text, comment lines dropped, to be placed in a slot (a shared filter). */
export function includeQuery(name: string): SqlFragment {
  return new SqlFragment(MINT, withoutCommentLines(sqlText(name)));
}

function withoutCommentLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n')
    .trim();
}

/**
 * Fills a query text's `{{name}}` slots, comment lines dropped first (a slot named in a comment is
 * documentation). Every slot needs a fragment and every fragment a slot: a typo fails, never slips.
 */
export function fillSlots(text: string, slots: Record<string, SqlFragment>): string {
  for (const [name, value] of Object.entries(slots)) {
    if (!(value instanceof SqlFragment)) {
      throw new SqlTextError(`slot {{${name}}}: only quoteLiteral, quoteIdent or includeQuery fill a slot`);
    }
  }
  const used = new Set<string>();
  const filled = withoutCommentLines(text).replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new SqlTextError(`query slot {{${name}}} has no value`);
    used.add(name);
    return value.text;
  });
  const unused = Object.keys(slots).filter((n) => !used.has(n));
  if (unused.length) throw new SqlTextError(`no slot named ${unused.map((n) => `{{${n}}}`).join(', ')}`);
  return filled;
}

/** A named query's text with its slots filled: `athena/create_table` is queries/athena/create_table.sql. */
export function sqlTemplate(name: string, slots: Record<string, SqlFragment>): string {
  try {
    return fillSlots(sqlText(name), slots);
  } catch (err) {
    if (err instanceof SqlTextError) throw new SqlTextError(`${name}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * A list as the one comma-separated value the query files take apart with `split(…, ',')`;
 * '' for an empty list. A member holding a comma would split in two, so it is refused.
 */
export function listValue(values: readonly string[]): string {
  for (const v of values) if (v.includes(',')) throw new SqlTextError(`'${v}' cannot be a list member`);
  return values.join(',');
}

/** How many `?` parameters a statement has, outside literals, quoted names and comments. */
export function placeholderCount(sql: string): number {
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      // a doubled quote inside a quoted run continues it; the scan resumes after the closing one
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === '?') n++;
  }
  return n;
}
