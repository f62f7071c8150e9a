// The copytrail executable as a user runs it: exit codes, output formats, quiet when piped.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copytrail } from '../helpers.ts';

describe('copytrail CLI', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'copytrail-cli-'));
    db = join(dir, 'demo.duckdb');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('demo simulates, ingests and summarizes, quietly when not on a terminal', () => {
    const r = copytrail(['--db', db, 'demo', '--out', join(dir, 'out'), '--events', '3000', '--days', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/simulated: \d+ records in \d+ files \(6 accounts/);
    expect(r.stdout).toMatch(/events:\s+\d+ new/);
    expect(r.stdout).toMatch(/CopySnapshot\s+us-west-2/);
    expect(r.stdout).toMatch(/SharedSnapshotCopyInitiated/);
    expect(r.stdout).toMatch(/digests:\s+\d+ valid, 0 invalid, 0 unverified/);
    expect(r.stdout).toMatch(/no tampering found/);
    expect(r.stdout).toMatch(/copies:\s+\d+ \(\d+ failed\), \d+ cross-region, \d+ cross-account/);
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(dir, 'out', 'trail', 'AWSLogs'))).toBe(true);
    // the three reports, with their PDFs and manifests, in the output folder
    expect(r.stdout).toMatch(/residency: \d+ fail, \d+ unknown, \d+ pass/);
    expect(r.stdout).toMatch(/dr_coverage: \d+ fail/);
    expect(r.stdout).toMatch(/forensics: \d+ fail/);
    for (const f of [
      'residency.html',
      'residency.pdf',
      'residency.json',
      'residency.manifest.json',
      'dr_coverage.pdf',
    ]) {
      expect(existsSync(join(dir, 'out', 'reports', f)), f).toBe(true);
    }
  });

  it('report: renders into --out, and refuses a bad config, report, format or a forensics report without a subject', () => {
    const out = join(dir, 'reports');
    const ok = copytrail(['--db', db, 'report', 'residency', '--format', 'html,json', '--out', out]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/residency: \d+ fail, \d+ unknown, \d+ pass \(\d+ findings\)/);
    expect(existsSync(join(out, 'residency.html'))).toBe(true);
    expect(existsSync(join(out, 'residency.pdf'))).toBe(false);
    const badConfig = join(dir, 'bad.yaml');
    writeFileSync(badConfig, 'dr:\n  requirements:\n    - id: x\n      dr_regions: [us-wst-2]\n');
    const bad = copytrail(['--db', db, 'report', 'dr_coverage', '--config', badConfig, '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(badConfig);
    expect(bad.stderr).toContain('dr.requirements.0.dr_regions.0: not a known AWS region code');
    expect(copytrail(['--db', db, 'report', 'forensics', '--out', out]).stderr).toMatch(/needs --subject/);
    expect(copytrail(['--db', db, 'report', 'residency', '--format', 'docx', '--out', out]).code).toBe(2);
    const unknown = copytrail(['--db', db, 'report', 'inventory', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown report 'inventory'/);
    const badTime = copytrail(['--db', db, 'report', 'residency', '--since', 'yesterday', '--out', out]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--since must be a date or time .*got 'yesterday'/);
    const slashed = copytrail(['--db', db, 'report', 'residency', '--since', '03/01/2026', '--out', out]);
    expect(slashed.code).toBe(2);
    expect(slashed.stderr).toMatch(/--since '03\/01\/2026' is ambiguous/);
    // a forensics subject that matches nothing is refused, naming the known id one character away
    const q = copytrail([
      '--db',
      db,
      'query',
      "select min(target_id) as t from copies where target_id like 'snap-%'",
      '--format',
      'json',
    ]);
    const known: string = JSON.parse(q.stdout)[0].t;
    const typo = known.slice(0, -1) + (known.endsWith('0') ? '1' : '0');
    const nothing = copytrail(['--db', db, 'report', 'forensics', '--subject', typo, '--out', out]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain(`the forensics subject '${typo}' matches no copy, share or event`);
    expect(nothing.stderr).toContain(known);
    expect(existsSync(join(out, 'forensics.html'))).toBe(false);
  });

  it('query prints a table, JSON and CSV; COPYTRAIL_DB picks the database', () => {
    const sql =
      "select event_name, count(*)::integer as n from events where event_name = 'CopyDBSnapshot' group by all";
    const table = copytrail(['--db', db, 'query', sql]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^event_name\s+n\n-+\s+-+\nCopyDBSnapshot\s+4\n\(1 row\)/);
    const json = copytrail(['query', sql, '--format', 'json'], { COPYTRAIL_DB: db });
    expect(JSON.parse(json.stdout)).toEqual([{ event_name: 'CopyDBSnapshot', n: 4 }]);
    const csv = copytrail(['--db', db, 'query', "select '=cmd|calc' as f, 'a,b' as g", '--format', 'csv']);
    expect(csv.stdout.trim()).toBe(`f,g\n'=cmd|calc,"a,b"`);
  });

  it('ingest dir reports a second run as already loaded', () => {
    const r = copytrail(['--db', db, 'ingest', 'dir', join(dir, 'out', 'trail')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 loaded, \d+ already loaded/);
    expect(r.stdout).toMatch(/events:\s+0 new/);
  });

  it('exits 2 on usage errors and 1 on failures, with a message naming the problem', () => {
    expect(copytrail(['nonsense']).code).toBe(2);
    expect(copytrail(['query']).code).toBe(2);
    const badFormat = copytrail(['--db', db, 'query', 'select 1', '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format must be one of table, json, csv/);
    const missing = copytrail(['--db', db, 'ingest', 'dir', join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file or folder: .*nope/);
    // the user's SQL is input: a query that fails is exit 2, like any other bad input
    const badSql = copytrail(['--db', db, 'query', 'select * from no_such_table']);
    expect(badSql.code).toBe(2);
    expect(badSql.stderr).toMatch(/no_such_table/);
    expect(copytrail(['--help']).code).toBe(0);
  });

  it('report --fail-on: exit 3 when a finding reaches the level, 0 below it, 2 for an unknown level; COPYTRAIL_CONFIG is the default config', () => {
    const out = join(dir, 'gate');
    const summary = () =>
      JSON.parse(readFileSync(join(out, 'residency.json'), 'utf8')).summary as {
        fail: number;
        unknown: number;
      };
    // the demo shares a snapshot with an outside account: a FAIL under the default policy
    const failing = copytrail([
      '--db',
      db,
      'report',
      'residency',
      '--format',
      'json',
      '--out',
      out,
      '--fail-on',
      'fail',
    ]);
    expect(summary().fail).toBeGreaterThan(0);
    expect(failing.code).toBe(3);
    expect(failing.stderr).toMatch(/finding\(s\) at or above --fail-on fail: exit 3/);
    expect(existsSync(join(out, 'residency.json'))).toBe(true);
    // a policy that allows every jurisdiction and trusts the outside account leaves no FAIL
    const permissive = join(dir, 'permissive.yaml');
    writeFileSync(
      permissive,
      [
        'residency:',
        '  allowed_jurisdictions: [AE, AU, BH, BR, CA, CH, CN, EU, HK, ID, IL, IN, JP, KR, MX, MY, NZ, SG, TH, TW, UK, US, ZA]',
        "  trusted_accounts: ['904657914468']",
        '',
      ].join('\n'),
    );
    const env = { COPYTRAIL_CONFIG: permissive };
    const args = ['--db', db, 'report', 'residency', '--format', 'json', '--out', out];
    const passing = copytrail([...args, '--fail-on', 'fail'], env);
    expect(summary().fail).toBe(0);
    expect(passing.code).toBe(0);
    const strict = copytrail([...args, '--fail-on', 'unknown'], env);
    expect(strict.code).toBe(summary().unknown > 0 ? 3 : 0);
    expect(copytrail([...args, '--fail-on', 'warn']).code).toBe(2);
  });

  it('read commands on a path with no database exit 2 naming it, and create nothing there', () => {
    const missing = join(dir, 'no-such.duckdb');
    for (const args of [
      ['lineage', '--all'],
      ['report', 'residency', '--out', join(dir, 'r-missing')],
      ['export', 'lineage', '--out', join(dir, 'missing.csv')],
    ]) {
      const r = copytrail(['--db', missing, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`no database at ${missing}`);
      expect(existsSync(missing)).toBe(false);
    }
    expect(existsSync(join(dir, 'missing.csv'))).toBe(false);
  });

  it('--debug prints the stack of a failure, and only then; --no-color is accepted', () => {
    // a subject that matches nothing is an input error (exit 2), without a stack
    const plain = copytrail(['--db', db, 'lineage', 'snap-does-not-exist']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("no copy lineage for 'snap-does-not-exist'");
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    // a failure (exit 1) shows its stack with --debug only
    const missing = join(dir, 'no-such-trail');
    const failure = copytrail(['--db', db, 'ingest', 'dir', missing]);
    expect(failure.code).toBe(1);
    expect(failure.stderr).not.toMatch(/\n\s+at /);
    const debug = copytrail(['--db', db, '--debug', 'ingest', 'dir', missing]);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at .*ingest\//);
    const noColor = copytrail(['--no-color', '--db', db, 'lineage', '--all', '--format', 'json']);
    expect(noColor.code).toBe(0);
    expect(noColor.stdout).not.toContain('\x1b[');
  });

  it('--version prints the version package.json declares, and exits 0', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    const v = copytrail(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
  });

  it('schedule: list reads the config and history; once, run and history refuse bad input with exit 2', () => {
    const config = join(import.meta.dirname, '..', '..', 'config.example.yaml');
    const list = copytrail(['--db', join(dir, 'none.duckdb'), 'schedule', 'list', '--config', config]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/demo-daily\s+0 6 \* \* \*\s+Europe\/Berlin .*never run/);
    expect(existsSync(join(dir, 'none.duckdb'))).toBe(false); // listing never creates a database
    const unknown = copytrail(['--db', db, 'schedule', 'once', 'weekly', '--config', config]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no schedule named 'weekly' in .*config\.example\.yaml \(it has: demo-daily\)/,
    );
    const noConfig = copytrail(['--db', db, 'schedule', 'run'], { COPYTRAIL_CONFIG: '' });
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/--config FILE or set COPYTRAIL_CONFIG/);
    const badAt = copytrail([
      '--db',
      db,
      'schedule',
      'once',
      'demo-daily',
      '--config',
      config,
      '--at',
      'yesterday',
    ]);
    expect(badAt.code).toBe(2);
    const noDb = copytrail(['--db', join(dir, 'none.duckdb'), 'schedule', 'history']);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/nothing has run yet/);
    const empty = copytrail(['--db', db, 'schedule', 'history', '--format', 'json']);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual([]);
  });
});
