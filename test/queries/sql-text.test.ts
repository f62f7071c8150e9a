// The one place values and names become SQL text: quoting is checked by running what it writes in a
// real DuckDB (which quotes as Athena's Trino and CloudTrail Lake do), refusals by named hostile
// inputs, and the slot filler by what it must refuse.

import { describe, expect, it } from 'vitest';
import {
  fillSlots,
  includeQuery,
  listValue,
  placeholderCount,
  quoteIdent,
  quoteLiteral,
  type SqlFragment,
  sqlTemplate,
} from '../../queries/sql-text.ts';
import { sqlText } from '../../queries/store.ts';
import { memoryStore } from '../helpers.ts';

const HOSTILE = [
  "O'Brien",
  "'; drop table events; --",
  "a''b",
  "x' OR '1'='1",
  '"double" and `back` quotes',
  'back\\slash',
  'ünïcödé ✓ and emoji 🧪',
  '',
];

describe('quoteLiteral', () => {
  it('writes a literal that DuckDB reads back as exactly the value, whatever the value holds', async () => {
    const store = await memoryStore();
    for (const value of HOSTILE) {
      for (const dialect of ['duckdb', 'trino', 'lake'] as const) {
        const { rows } = await store.userQuery(`select ${quoteLiteral(value, dialect)} as v`);
        expect(rows, `${dialect}: ${value}`).toEqual([{ v: value }]);
      }
    }
    // and nothing ran but the select
    expect((await store.userQuery('select count(*)::integer as n from events')).rows[0]!.n).toBe(0);
  });

  it('refuses control characters in every dialect', () => {
    for (const value of ['a\nb', 'a\rb', 'nul\u0000', 'esc\u001b[2J', 'del\u007f']) {
      for (const dialect of ['duckdb', 'trino', 'hive', 'lake'] as const) {
        expect(() => quoteLiteral(value, dialect), `${dialect} ${JSON.stringify(value)}`).toThrow(
          /control character/,
        );
      }
    }
  });

  it('in Athena DDL (Hive), refuses quotes and backslashes, which Hive reads otherwise', () => {
    expect(quoteLiteral('s3://bucket/AWSLogs/', 'hive').text).toBe("'s3://bucket/AWSLogs/'");
    for (const value of ["s3://b/x'; DROP TABLE t; --", 'a\\', "it's"]) {
      expect(() => quoteLiteral(value, 'hive'), value).toThrow(/quote or backslash/);
    }
  });
});

describe('quoteIdent', () => {
  it('writes a name DuckDB reads back as exactly that name', async () => {
    const store = await memoryStore();
    for (const name of ['events', 'select', 'odd "name"', "it's", 'a b; drop table events']) {
      const reader = await store.conn.runAndReadAll(`select 1 as ${quoteIdent(name, 'trino')}`);
      expect(reader.columnNames(), name).toEqual([name]);
    }
  });

  it('uses backticks for Athena DDL, doubling one inside', () => {
    expect(quoteIdent('cloudtrail_logs', 'hive').text).toBe('`cloudtrail_logs`');
    expect(quoteIdent('a`b', 'hive').text).toBe('`a``b`');
  });

  it('writes a Lake event data store id bare, and refuses anything but letters, digits and hyphens', () => {
    expect(quoteIdent('EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE', 'lake').text).toBe(
      'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE',
    );
    for (const name of ["x' OR 1=1 --", 'a b', '"quoted"', 'id;select', '-leading', 'x/y']) {
      expect(() => quoteIdent(name, 'lake'), name).toThrow(/not a name CloudTrail Lake reads/);
    }
  });

  it('refuses an empty name and control characters', () => {
    expect(() => quoteIdent('', 'trino')).toThrow(/empty/);
    expect(() => quoteIdent('a\nb', 'hive')).toThrow(/control character/);
  });
});

describe('fillSlots', () => {
  const text = '-- {{commented}} is documentation\nselect {{value}} as v from {{table}}';

  it('fills slots with helper output and drops comment lines', () => {
    const sql = fillSlots(text, { value: quoteLiteral('x', 'trino'), table: quoteIdent('t', 'trino') });
    expect(sql).toBe(`select 'x' as v from "t"`);
  });

  it('refuses raw text, a slot with no value and a value with no slot', () => {
    const raw = "'x' or 1=1" as unknown as SqlFragment;
    expect(() => fillSlots(text, { value: raw, table: quoteIdent('t', 'trino') })).toThrow(
      /only quoteLiteral, quoteIdent or includeQuery/,
    );
    expect(() => fillSlots(text, { value: quoteLiteral('x', 'trino') })).toThrow(
      /\{\{table\}\} has no value/,
    );
    expect(() =>
      fillSlots(text, {
        value: quoteLiteral('x', 'trino'),
        table: quoteIdent('t', 'trino'),
        tabel: quoteIdent('t', 'trino'),
      }),
    ).toThrow(/no slot named \{\{tabel\}\}/);
  });

  it('includes another query file without its comments, and names the file on a failure', () => {
    const filter = includeQuery('athena/lineage_filter').text;
    expect(filter.startsWith('log_date BETWEEN ? AND ?')).toBe(true);
    expect(sqlText('athena/lineage_filter')).toContain(filter);
    expect(() => sqlTemplate('athena/lineage_events', { table: quoteIdent('t', 'trino') })).toThrow(
      /athena\/lineage_events: query slot \{\{filter\}\} has no value/,
    );
  });
});

describe('lists and placeholders', () => {
  it('joins a list for split(…, ",") and refuses a member that would split', () => {
    expect(listValue(['a', 'b'])).toBe('a,b');
    expect(listValue([])).toBe('');
    expect(() => listValue(['a,b'])).toThrow(/cannot be a list member/);
  });

  it('counts ? outside literals, quoted names and comments', () => {
    expect(placeholderCount("select ?, '?', \"?\", `?`, 'it''s ?' -- ?\n, ?")).toBe(2);
  });
});
