// The command-line contract, line by line, against the real executable: exit codes (0 success, 1
// failure, 2 usage or input error, 3 a --fail-on threshold, 130/143 a signal), the global options
// as the AWS CLI spells them, --output, --quiet, COPYTRAIL_DB / COPYTRAIL_CONFIG, the one time
// grammar, and no colour. One small demo database is built once and only read, except where a test
// says it writes.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCopytrail } from '../crash/harness.ts';
import { BIN } from '../helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE_CONFIG = join(ROOT, 'config.example.yaml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it, without a terminal; `env` adds to (or with undefined, removes from) the environment. */
function copytrail(args: string[], env: Record<string, string | undefined> = {}): Run {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    COPYTRAIL_DB: undefined,
    COPYTRAIL_CONFIG: undefined,
    COPYTRAIL_QUIET: undefined,
    COPYTRAIL_DEBUG: undefined,
    ...env,
  };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: merged as NodeJS.ProcessEnv,
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CLI run without blocking this process: a server in this process (the S3 endpoint below) can
 * answer it while it runs.
 */
function copytrailAsync(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const merged: Record<string, string | undefined> = { ...process.env, COPYTRAIL_DB: undefined, ...env };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return startCopytrail(args, merged as NodeJS.ProcessEnv).ended;
}

let dir: string;
let db: string;
let trail: string;
let demoOutput: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'copytrail-contract-'));
  db = join(dir, 'demo.duckdb');
  trail = join(dir, 'demo', 'trail');
  // COPYTRAIL_DB names the demo's database: the demo honours it like every other command
  const demo = copytrail(
    ['demo', '--out', join(dir, 'demo'), '--events', '3000', '--days', '2', '--no-pdf', '--output', 'json'],
    {
      COPYTRAIL_DB: db,
    },
  );
  if (demo.code !== 0) throw new Error(`demo failed (${demo.code}): ${demo.stderr}`);
  demoOutput = demo.stdout;
}, 600_000);

describe('demo --output json', () => {
  it('prints the run as one JSON document: what was simulated, loaded, linked and reported, and where', () => {
    const doc = JSON.parse(demoOutput) as {
      database: string;
      simulated: { records: number; files: number };
      ingest: { eventsNew: number; records: number };
      correlate: Record<string, unknown>;
      reports: { report: string; summary: { total: number }; files: string[]; manifest: string }[];
    };
    expect(doc.database).toBe(db);
    expect(doc.simulated.records).toBeGreaterThan(0);
    // a file CloudTrail delivers twice is read once: records can be fewer than simulated
    expect(doc.ingest.records).toBeGreaterThan(0);
    expect(doc.ingest.records).toBeLessThanOrEqual(doc.simulated.records);
    expect(doc.ingest.eventsNew).toBeGreaterThan(0);
    expect(doc.reports.map((r) => r.report)).toEqual(['residency', 'dr_coverage', 'forensics']);
    for (const r of doc.reports) {
      expect(r.summary.total).toBeGreaterThanOrEqual(0);
      expect(r.files.every((f) => existsSync(f))).toBe(true);
      expect(existsSync(r.manifest)).toBe(true);
    }
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exit 2: a read command on a database that does not exist', () => {
  const READ_COMMANDS: [string, (out: string) => string[]][] = [
    ['lineage', () => ['lineage', '--all']],
    ['report', (out) => ['report', 'residency', '--out', out]],
    ['query', () => ['query', 'select 1']],
    ['export', (out) => ['export', 'lineage', '--out', join(out, 'lineage.csv')]],
    ['verify', () => ['verify']],
  ];
  for (const [name, args] of READ_COMMANDS) {
    it(`${name}: names the path, says to ingest first, creates nothing (--db and COPYTRAIL_DB)`, () => {
      const missing = join(dir, `missing-${name}.duckdb`);
      const out = join(dir, `missing-${name}-out`);
      for (const r of [
        copytrail(['--db', missing, ...args(out)]),
        copytrail(args(out), { COPYTRAIL_DB: missing }),
      ]) {
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`no database at ${missing}; run \`copytrail ingest …\` first`);
        expect(existsSync(missing)).toBe(false);
        expect(existsSync(out)).toBe(false);
      }
    });
  }
});

describe('exit 2: an unknown flag, for every command', () => {
  const COMMANDS = [
    ['--bogus', 'lineage', '--all'],
    ['lineage', '--all', '--bogus'],
    ['query', 'select 1', '--bogus'],
    ['report', 'residency', '--bogus'],
    ['export', 'lineage', '--out', 'x.csv', '--bogus'],
    ['verify', '--bogus'],
    ['correlate', '--bogus'],
    ['ingest', 'dir', 'x', '--bogus'],
    ['ingest', 's3', '--bucket', 'b', '--since', '1d', '--bogus'],
    ['schedule', 'list', '--bogus'],
    ['demo', '--bogus'],
  ];
  it.each(COMMANDS.map((c) => [c.join(' '), c]))('%s', (_name, args) => {
    const r = copytrail(['--db', join(dir, 'never.duckdb'), ...(args as string[])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(existsSync(join(dir, 'never.duckdb'))).toBe(false);
  });
});

describe('the one time grammar, on every --since, --until and --at', () => {
  const FORMS = /2026-03-01.*30m, 12h or 7d, or 'now'/;
  const config = () => {
    const file = join(dir, 'time.yaml');
    writeFileSync(
      file,
      [
        'schedules:',
        '  - name: hourly',
        "    cron: '0 * * * *'",
        '    reports: [{ id: residency, formats: [json] }]',
        `    deliver: { dir: ${JSON.stringify(join(dir, 'time-deliver'))} }`,
        '',
      ].join('\n'),
    );
    return file;
  };
  const BAD: [string, () => string[], string][] = [
    ['report --since', () => ['report', 'residency', '--since', 'yesterday', '--out', dir], '--since'],
    ['report --until', () => ['report', 'residency', '--until', '03/01/2026', '--out', dir], '--until'],
    [
      'export --since',
      () => ['export', 'events', '--out', join(dir, 'e.csv'), '--since', 'last week'],
      '--since',
    ],
    ['verify --until', () => ['verify', '--until', '1 Mar 2026'], '--until'],
    ['ingest s3 --since', () => ['ingest', 's3', '--bucket', 'trail', '--since', '03/01/2026'], '--since'],
    ['ingest lookup --until', () => ['ingest', 'lookup', '--since', '1d', '--until', 'tomorrow'], '--until'],
    [
      'schedule once --at',
      () => ['schedule', 'once', 'hourly', '--config', config(), '--at', 'noon'],
      '--at',
    ],
  ];
  it.each(BAD.map(([name, args, flag]) => [name, args, flag]))(
    '%s: a value outside the grammar exits 2, naming the flag and the accepted forms',
    (_name, args, flag) => {
      const r = copytrail(['--db', db, ...(args as () => string[])()]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(flag as string);
      expect(r.stderr).toMatch(FORMS);
    },
  );

  it('a slashed date is refused as ambiguous, with the form to write instead', () => {
    const r = copytrail(['--db', db, 'report', 'residency', '--since', '03/01/2026', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since '03\/01\/2026' is ambiguous.*YYYY-MM-DD/);
  });

  it("'now' is an instant everywhere: accepted as a bound, and ordered against the other one", () => {
    const exported = join(dir, 'now.csv');
    const ok = copytrail([
      '--db',
      db,
      'export',
      'events',
      '--out',
      exported,
      '--since',
      '3650d',
      '--until',
      'now',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(exported, 'utf8').split('\n').length).toBeGreaterThan(100);
    // --since now with --until a day back: the grammar read both; only their order is wrong
    for (const args of [
      ['ingest', 's3', '--bucket', 'trail', '--since', 'now', '--until', '1d'],
      ['verify', '--since', 'now', '--until', '1d'],
    ]) {
      const r = copytrail(['--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('--until must be later than --since');
    }
  });
});

describe('exit 2: a bad config file, from --config or COPYTRAIL_CONFIG', () => {
  let bad: string;
  beforeAll(() => {
    bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'residency:\n  allowed_regions: [eu-wst-1]\n');
  });
  const CASES: [string, string[]][] = [
    ['report', ['report', 'residency', '--out', 'never']],
    ['schedule list', ['schedule', 'list']],
    ['schedule once', ['schedule', 'once', 'x']],
    ['demo', ['demo', '--out', 'never', '--events', '100']],
  ];
  it.each(CASES)('%s names the file and the field, and writes nothing', (_name, args) => {
    const out = join(dir, 'bad-config-out');
    const argv = args.map((a) => (a === 'never' ? out : a));
    for (const r of [
      copytrail(['--db', db, ...argv, '--config', bad]),
      copytrail(['--db', db, ...argv], { COPYTRAIL_CONFIG: bad }),
    ]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(bad);
      expect(r.stderr).toContain('residency.allowed_regions.0: not a known AWS region code');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a schedule whose fail_on is not a level is refused, naming the key', () => {
    const file = join(dir, 'bad-fail-on.yaml');
    writeFileSync(
      file,
      "schedules:\n  - name: x\n    cron: '0 * * * *'\n    fail_on: sometimes\n    reports: [{ id: residency }]\n    deliver: { dir: out }\n",
    );
    const r = copytrail(['schedule', 'list', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schedules\.0\.fail_on: .*"fail"\|"unknown"/);
  });
});

describe('--version and --help', () => {
  it('--version prints the package version and exits 0', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = copytrail(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every global option as the AWS CLI spells it', () => {
    const r = copytrail(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--db <file>',
      '--profile <name>',
      '--region <region>',
      '--endpoint-url <url>',
      '--output <format>',
      '--quiet',
      '--debug',
      '--no-color',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});

describe('--output json|table|csv|text, for every command that prints data', () => {
  it('lineage: one JSON document, csv with a header, tab-separated text, a table; --format wins over --output', () => {
    const json = copytrail(['--db', db, '--output', 'json', 'lineage', '--all']);
    expect(json.code, json.stderr).toBe(0);
    const records = JSON.parse(json.stdout) as { copy_id: string; target: { key_arn: string | null } }[];
    expect(records.length).toBeGreaterThan(5);
    const csv = copytrail(['--db', db, 'lineage', '--all', '--output', 'csv']);
    const csvLines = csv.stdout.trim().split('\n');
    expect(csvLines[0]).toMatch(/^copy_id,requested_at,api,mechanism,status,/);
    expect(csvLines).toHaveLength(records.length + 1);
    const text = copytrail(['--db', db, '--output', 'text', 'lineage', '--all']);
    const textLines = text.stdout.trim().split('\n');
    expect(textLines).toHaveLength(records.length);
    expect(textLines.map((l) => l.split('\t')[0])).toEqual(records.map((r) => r.copy_id));
    const table = copytrail(['--db', db, 'lineage', '--all']);
    expect(table.stdout).toMatch(/^requested_at\s+api\s+mechanism/);
    expect(table.stdout.trim()).toMatch(new RegExp(`\\(${records.length} copies(\\)|; )`));
    // an explicit --format is the command's own choice: it wins over the global --output
    const both = copytrail(['--db', db, '--output', 'json', 'lineage', '--all', '--format', 'csv']);
    expect(both.stdout).toMatch(/^copy_id,/);
    const dot = copytrail(['--db', db, '--output', 'json', 'lineage', '--all', '--format', 'dot']);
    expect(dot.stdout).toMatch(/^digraph lineage \{/);
  });

  it('lineage table: long ids shortened in the middle to the terminal width; json and csv keep them whole', () => {
    const json = JSON.parse(copytrail(['--db', db, 'lineage', '--all', '--output', 'json']).stdout) as {
      source: { id: string | null };
      target: { key_arn: string | null };
    }[];
    // 120 columns: every line fits (requested_at and mechanism whole, the rest at least 10 wide)
    const narrow = copytrail(['--db', db, 'lineage', '--all'], { COLUMNS: '120' });
    expect(narrow.code).toBe(0);
    const lines = narrow.stdout.trim().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(narrow.stdout).toContain('…');
    const wide = copytrail(['--db', db, 'lineage', '--all'], { COLUMNS: '5000' });
    expect(wide.stdout).not.toContain('…');
    expect(Math.max(...wide.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(120);
    // a shortened source keeps the start and the end of the whole id
    const ids = json.map((r) => r.source.id ?? '');
    const cells = lines.slice(2, -1).map((l) => l.split(/\s{2,}/)[4]!);
    const shortened = cells.filter((c) => c.includes('…'));
    expect(shortened.length).toBeGreaterThan(0);
    for (const cell of shortened) {
      const [head, tail] = cell.split('…') as [string, string];
      expect(
        json.some(
          (r) => `${r.source.id} `.startsWith(head) || (r.source.id ?? '').startsWith(head.split(' ')[0]!),
        ),
        cell,
      ).toBe(true);
      expect(tail.length).toBeGreaterThan(0);
    }
    expect(ids.length).toBe(lines.length - 3);
    // keys, then evidence, are left out before ids become unreadable, and the last line says so
    expect(lines[0]!.split(/\s+/)).not.toContain('keys');
    expect(lines.at(-1)).toMatch(/copies; keys and evidence left out to fit 120 columns/);
    expect(wide.stdout.split('\n')[0]!.split(/\s+/)).toEqual(expect.arrayContaining(['keys', 'evidence']));
    const csv = copytrail(['--db', db, 'lineage', '--all', '--output', 'csv'], { COLUMNS: '60' });
    expect(csv.stdout).not.toContain('…');
    expect(csv.stdout).toMatch(/arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}/);
  });

  it('lineage of one copy says "1 copy"', () => {
    const q = copytrail([
      '--db',
      db,
      'query',
      'select copy_id from copies where parent_copy_id is null and copy_id not in (select parent_copy_id from copies where parent_copy_id is not null) order by copy_id limit 20',
      '--output',
      'text',
    ]);
    const ids = q.stdout.trim().split('\n');
    const single = ids
      .map((id) => copytrail(['--db', db, 'lineage', id]))
      .find((r) => r.code === 0 && JSON.stringify(r.stdout).includes('(1 copy)'));
    expect(single?.stdout.trim()).toMatch(/\(1 copy\)$/);
    expect(single?.stdout).not.toContain('1 copies');
  });

  it('query: json, csv, text (tab-separated, no header, None for null) and table', () => {
    const sql = "select 'a' as x, null as y, 2 as n";
    expect(JSON.parse(copytrail(['--db', db, '--output', 'json', 'query', sql]).stdout)).toEqual([
      { x: 'a', y: null, n: 2 },
    ]);
    expect(copytrail(['--db', db, '--output', 'csv', 'query', sql]).stdout.trim()).toBe('x,y,n\na,,2');
    expect(copytrail(['--db', db, '--output', 'text', 'query', sql]).stdout).toBe('a\tNone\t2\n');
    expect(copytrail(['--db', db, 'query', sql]).stdout).toMatch(/^x\s+y\s+n\n/);
    // --format is kept as the command's alias, and wins
    expect(copytrail(['--db', db, '--output', 'text', 'query', sql, '--format', 'csv']).stdout).toMatch(
      /^x,y,n/,
    );
  });

  it('a bad --output or --format exits 2 naming the accepted values, for any command', () => {
    for (const args of [
      ['--output', 'xml', 'lineage', '--all'],
      ['lineage', '--all', '--output', 'yaml'],
      ['--output', 'xml', 'completion', 'bash'],
      ['--output', 'xml', 'correlate'],
    ]) {
      const r = copytrail(['--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--output must be one of table, json, csv, text, not '(xml|yaml)'/);
      expect(r.stdout).toBe('');
    }
    const format = copytrail(['--db', db, 'lineage', '--all', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be one of table, json, csv, text, dot, not 'xml'");
  });

  it('schedule list and history; verify; correlate, report, export and ingest summaries as JSON', () => {
    const list = copytrail(['--db', db, '--output', 'json', 'schedule', 'list'], {
      COPYTRAIL_CONFIG: EXAMPLE_CONFIG,
    });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ name: 'demo-daily', cron: '0 6 * * *', timezone: 'Europe/Berlin' }),
    ]);
    const listText = copytrail([
      '--db',
      db,
      '--output',
      'text',
      'schedule',
      'list',
      '--config',
      EXAMPLE_CONFIG,
    ]);
    expect(listText.stdout.split('\t').slice(0, 3)).toEqual(['demo-daily', '0 6 * * *', 'Europe/Berlin']);
    const history = copytrail(['--db', db, '--output', 'csv', 'schedule', 'history']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout.split('\n')[0]).toBe(
      'run_id,schedule,trigger,status,scheduled_for,started_at,finished_at,period_start,period_end,files,manifest_sha256,fail_on,fail_on_findings,error',
    );

    const key = join(trail, 'cloudtrail-public-key.pem');
    const verify = copytrail(['--db', db, '--output', 'json', 'verify', '--public-keys', key]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    expect(copytrail(['--db', db, 'verify', '--public-keys', key]).stdout).toMatch(/no tampering found/);

    const correlate = copytrail(['--db', db, '--output', 'json', 'correlate']);
    expect(correlate.code, correlate.stderr).toBe(0);
    expect(JSON.parse(correlate.stdout).copies).toBeGreaterThan(5);

    const report = copytrail([
      '--db',
      db,
      '--output',
      'json',
      'report',
      'residency',
      '--format',
      'json',
      '--out',
      join(dir, 'out-json'),
    ]);
    expect(report.code, report.stderr).toBe(0);
    const r = JSON.parse(report.stdout);
    expect(r).toMatchObject({ report: 'residency', summary: { total: expect.any(Number) } });
    expect(existsSync(r.manifest)).toBe(true);

    const exp = copytrail([
      '--db',
      db,
      '--output',
      'json',
      'export',
      'lineage',
      '--out',
      join(dir, 'l.parquet'),
    ]);
    expect(JSON.parse(exp.stdout)).toMatchObject({
      export: 'lineage',
      format: 'parquet',
      rows: expect.any(Number),
    });

    const ingest = copytrail(['--db', db, '--output', 'json', 'ingest', 'dir', trail]);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ loaded: 0, eventsNew: 0 });
  });
});

describe('--quiet: no informational output; errors and asked-for data still print', () => {
  it('correlate, report, export and ingest print nothing and still do their work', () => {
    const out = join(dir, 'quiet');
    for (const args of [
      ['correlate'],
      ['report', 'residency', '--format', 'json', '--out', out],
      ['export', 'lineage', '--out', join(out, 'lineage.csv')],
      ['ingest', 'dir', trail],
    ]) {
      const r = copytrail(['--db', db, '--quiet', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toBe('');
    }
    expect(existsSync(join(out, 'residency.json'))).toBe(true);
    expect(readFileSync(join(out, 'lineage.csv'), 'utf8')).toMatch(/^copy_id,/);
    // without --quiet the same commands speak
    expect(copytrail(['--db', db, 'export', 'lineage', '--out', join(out, 'l2.csv')]).stdout).toMatch(
      /^lineage: \d+ rows to /,
    );
  });

  it('data a command was asked for is still printed, and errors still go to stderr', () => {
    const q = copytrail(['--db', db, '--quiet', 'query', 'select 42 as answer']);
    expect(q.stdout).toMatch(/^answer\n-+\n42\n/);
    const l = copytrail(['--db', db, 'lineage', '--all', '--output', 'json', '--quiet']);
    expect(JSON.parse(l.stdout).length).toBeGreaterThan(5);
    const bad = copytrail(['--db', db, '--quiet', 'query', 'select * from nowhere']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nowhere/);
  });
});

describe('no colour, ever', () => {
  it('help, tables and errors carry no escape codes, with NO_COLOR, --no-color, or a colour-forcing environment', () => {
    for (const [args, env] of [
      [['--help'], { FORCE_COLOR: '3' }],
      [['--no-color', 'lineage', '--all'], { FORCE_COLOR: '3' }],
      [['lineage', '--all'], { NO_COLOR: '1' }],
      [['query', 'select * from nowhere'], { FORCE_COLOR: '3' }],
      [['report', 'nonsense'], { FORCE_COLOR: '3' }],
    ] as [string[], Record<string, string>][]) {
      const r = copytrail(['--db', db, ...args], env);
      expect(`${r.stdout}${r.stderr}`, args.join(' ')).not.toContain('\x1b');
      expect(`${r.stdout}${r.stderr}`.length).toBeGreaterThan(0);
    }
  });
});

describe('COPYTRAIL_DB: every command that takes a database', () => {
  it('read commands, ingest and schedule read the database it names', () => {
    const env = { COPYTRAIL_DB: db };
    expect(copytrail(['lineage', '--all', '--output', 'json'], env).code).toBe(0);
    expect(copytrail(['query', 'select count(*) as n from events', '--output', 'text'], env).stdout).toMatch(
      /^\d{3,}\n$/,
    );
    expect(copytrail(['export', 'lineage', '--out', join(dir, 'env.csv')], env).code).toBe(0);
    expect(copytrail(['schedule', 'history', '--output', 'json'], env).code).toBe(0);
    expect(
      copytrail(['report', 'residency', '--format', 'json', '--out', join(dir, 'env-r')], env).code,
    ).toBe(0);
    // ingest writes into the database COPYTRAIL_DB names, and --db overrides it
    const fresh = join(dir, 'fresh.duckdb');
    const ingest = copytrail(['ingest', 'dir', trail, '--quiet'], { COPYTRAIL_DB: fresh });
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    const other = join(dir, 'other.duckdb');
    expect(copytrail(['--db', other, 'query', 'select 1'], { COPYTRAIL_DB: fresh }).stderr).toContain(
      `no database at ${other}`,
    );
    // the demo in beforeAll was pointed at its database by COPYTRAIL_DB alone
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(dir, 'demo', 'copytrail.duckdb'))).toBe(false);
  });
});

describe('the demo', () => {
  it('simulates up to today: its reports have no warning that the data ends days before they were made', () => {
    for (const report of ['residency', 'dr_coverage']) {
      const model = JSON.parse(readFileSync(join(dir, 'demo', 'reports', `${report}.json`), 'utf8'));
      const text = JSON.stringify(model);
      expect(text, report).toContain('"warnings"');
      expect(text, report).not.toMatch(/days before this report was generated/);
    }
  });
});

describe('global --region, --profile and --endpoint-url reach the AWS calls, in either position', () => {
  let server: Server;
  let endpoint: string;
  const seen: { url: string; authorization: string; body: string }[] = [];
  let credentials: string;

  beforeAll(async () => {
    // answers every S3 call with an empty listing, and keeps what each request was signed with
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ url: req.url ?? '', authorization: String(req.headers.authorization ?? ''), body });
        if (req.method === 'POST') {
          // a JSON-protocol service (Athena): refuse, after keeping what was asked
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end('{"__type":"InvalidRequestException","Message":"refused by the test endpoint"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>trail</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>',
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    credentials = join(dir, 'aws-credentials');
    writeFileSync(
      credentials,
      '[contract]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret-never-printed\n',
    );
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** A run against the local endpoint: the region and key id its S3 request was signed with. */
  async function signed(args: string[]): Promise<{ run: Run; region: string; keyId: string }> {
    const before = seen.length;
    const run = await copytrailAsync(['--db', join(dir, 's3.duckdb'), ...args], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: 'us-east-1',
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    });
    const request = seen.slice(before).find((r) => r.url.startsWith('/trail/'));
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/s3\//.exec(request?.authorization ?? '');
    return { run, keyId: scope?.[1] ?? 'no request', region: scope?.[2] ?? 'no request' };
  }

  const S3 = ['ingest', 's3', '--bucket', 'trail', '--since', '1d'];
  it.each([
    [
      'global, before the command',
      ['--region', 'eu-west-1', '--profile', 'contract', '--endpoint-url', '<e>', ...S3],
    ],
    [
      "the command's own, after it",
      [...S3, '--region', 'eu-west-1', '--profile', 'contract', '--endpoint-url', '<e>'],
    ],
    [
      'mixed',
      [
        '--endpoint-url',
        '<e>',
        'ingest',
        's3',
        '--region',
        'eu-west-1',
        '--bucket',
        'trail',
        '--since',
        '1d',
        '--profile',
        'contract',
      ],
    ],
  ])('ingest s3: %s', async (_name, args) => {
    const { run, region, keyId } = await signed((args as string[]).map((a) => (a === '<e>' ? endpoint : a)));
    expect(region, run.stderr).toBe('eu-west-1');
    expect(keyId).toBe('AKIDFROMPROFILE');
    // the empty bucket is reported as such; the credentials are never printed
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no CloudTrail folders under s3://trail/AWSLogs/');
    expect(`${run.stdout}${run.stderr}`).not.toContain('profile-secret-never-printed');
  });

  it('without --region the SDK default chain decides (AWS_REGION): the flag is what moved the call', async () => {
    const { region } = await signed(['--profile', 'contract', '--endpoint-url', endpoint, ...S3]);
    expect(region).toBe('us-east-1');
  });

  it('a profile that does not exist exits 2 naming it, before any call', async () => {
    for (const args of [
      ['--profile', 'nobody', '--endpoint-url', endpoint, ...S3],
      [...S3, '--endpoint-url', endpoint, '--profile', 'nobody'],
    ]) {
      const { run, region } = await signed(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--profile: no profile 'nobody' in /);
      expect(region).toBe('no request');
    }
  });

  it("ingest athena: --output after the command is Athena's result location, before it the global output format", async () => {
    const before = seen.length;
    const run = await copytrailAsync(
      [
        '--db',
        join(dir, 'athena.duckdb'),
        '--output',
        'json',
        '--endpoint-url',
        endpoint,
        'ingest',
        'athena',
        '--database',
        'trails',
        '--table',
        'cloudtrail',
        '--since',
        '1d',
        '--output',
        's3://results-bucket/q/',
      ],
      { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-west-1' },
    );
    const start = seen.slice(before).find((r) => r.body.includes('QueryString'));
    expect(start, run.stderr).toBeDefined();
    expect(JSON.parse(start!.body).ResultConfiguration).toEqual({ OutputLocation: 's3://results-bucket/q/' });
    expect(run.stderr).toContain('refused by the test endpoint');
    expect(run.code).toBe(1);
  });

  it('schedule once: the global --endpoint-url, --region and --profile reach a scheduled S3 source', async () => {
    const config = join(dir, 's3-schedule.yaml');
    writeFileSync(
      config,
      [
        'schedules:',
        '  - name: s3-hourly',
        "    cron: '0 * * * *'",
        '    correlate: false',
        '    sources: [{ type: s3, bucket: trail }]',
        '    reports: [{ id: residency, formats: [json] }]',
        `    deliver: { dir: ${JSON.stringify(join(dir, 's3-deliver'))} }`,
        '',
      ].join('\n'),
    );
    const { run, region, keyId } = await signed([
      '--endpoint-url',
      endpoint,
      '--region',
      'ap-south-1',
      '--profile',
      'contract',
      'schedule',
      'once',
      's3-hourly',
      '--config',
      config,
    ]);
    expect(region, run.stderr + run.stdout).toBe('ap-south-1');
    expect(keyId).toBe('AKIDFROMPROFILE');
    // the source found no trail: the run is partial, which is exit 1
    expect(run.stdout).toMatch(/s3-hourly: partial/);
    expect(run.code).toBe(1);
  });
});

describe('a schedule records its fail_on; schedule once exits 3 when a report reaches it', () => {
  const schedule = (name: string, failOn: string | null, residency = '') => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      [
        residency,
        'schedules:',
        `  - name: ${name}`,
        "    cron: '0 0 * * *'",
        '    period: 3650d',
        '    correlate: false',
        ...(failOn ? [`    fail_on: ${failOn}`] : []),
        '    reports: [{ id: residency, formats: [json] }]',
        `    deliver: { dir: ${JSON.stringify(join(dir, `${name}-deliver`))} }`,
        '',
      ].join('\n'),
    );
    return file;
  };
  const history = (name: string) =>
    JSON.parse(copytrail(['--db', db, 'schedule', 'history', name, '--output', 'json']).stdout) as {
      status: string;
      fail_on: string | null;
      fail_on_findings: number | null;
    }[];

  it('reached: exit 3, the run recorded with its level and count, shown by history and list', () => {
    const config = schedule('gate-fail', 'fail');
    const r = copytrail(['--db', db, 'schedule', 'once', 'gate-fail', '--config', config, '--at', 'now']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/fail_on fail: [1-9]\d* finding\(s\) at or above it/);
    expect(r.stderr).toMatch(/gate-fail: [1-9]\d* finding\(s\) at or above fail_on fail: exit 3/);
    const [run] = history('gate-fail');
    expect(run).toMatchObject({ status: 'succeeded', fail_on: 'fail' });
    expect(run!.fail_on_findings).toBeGreaterThan(0);
    expect(copytrail(['--db', db, 'schedule', 'history', 'gate-fail']).stdout).toMatch(
      /succeeded .*fail: [1-9]/,
    );
    const list = JSON.parse(
      copytrail(['--db', db, '--output', 'json', 'schedule', 'list', '--config', config]).stdout,
    );
    expect(list[0]).toMatchObject({ name: 'gate-fail', fail_on: 'fail', last_status: 'succeeded' });
    expect(list[0].last_fail_on_findings).toBeGreaterThan(0);
  });

  it('not reached: a policy with no FAIL exits 0 and records 0 findings at fail_on', () => {
    const permissive = [
      'residency:',
      '  allowed_jurisdictions: [AE, AU, BH, BR, CA, CH, CN, EU, HK, ID, IL, IN, JP, KR, MX, MY, NZ, SG, TH, TW, UK, US, ZA]',
      "  trusted_accounts: ['904657914468']",
    ].join('\n');
    const config = schedule('gate-pass', 'fail', permissive);
    const r = copytrail(['--db', db, 'schedule', 'once', 'gate-pass', '--config', config, '--at', 'now']);
    expect(r.code, r.stderr).toBe(0);
    expect(history('gate-pass')[0]).toMatchObject({
      status: 'succeeded',
      fail_on: 'fail',
      fail_on_findings: 0,
    });
  });

  it('no fail_on: the same failing report exits 0 and records none', () => {
    const config = schedule('no-gate', null);
    const r = copytrail(['--db', db, 'schedule', 'once', 'no-gate', '--config', config, '--at', 'now']);
    expect(r.code, r.stderr).toBe(0);
    expect(history('no-gate')[0]).toMatchObject({
      status: 'succeeded',
      fail_on: null,
      fail_on_findings: null,
    });
  });
});

describe('exit 130/143: a command stopped by a signal', () => {
  it('schedule run stopped by SIGTERM exits 143, and by SIGINT 130', async () => {
    const config = join(dir, 'yearly.yaml');
    writeFileSync(
      config,
      "schedules:\n  - name: yearly\n    cron: '0 0 1 1 *'\n    reports: [{ id: residency, formats: [json] }]\n    deliver: { dir: yearly }\n",
    );
    mkdirSync(join(dir, 'signals'), { recursive: true });
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const child: ChildProcess = spawn(
        process.execPath,
        [BIN, '--db', join(dir, 'signals', 'db.duckdb'), 'schedule', 'run', '--config', config],
        { env: { ...process.env, COPYTRAIL_QUIET: undefined } as NodeJS.ProcessEnv },
      );
      let stdout = '';
      // the signal is sent once the scheduler says it is waiting, never on a timer
      await new Promise<void>((started) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('next run')) started();
        });
      });
      const exited = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
      child.kill(signal);
      expect(await exited, signal).toBe(code);
    }
  });
});

describe('--output json is one document, also for ingest --verify', () => {
  it('ingest dir --verify --output json prints the ingest summary and the verdict in one JSON document', () => {
    const fresh = join(dir, 'verify-json.duckdb');
    const r = copytrail([
      '--db',
      fresh,
      '--output',
      'json',
      'ingest',
      'dir',
      trail,
      '--verify',
      '--public-keys',
      join(trail, 'cloudtrail-public-key.pem'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { ingest: { eventsNew: number }; verify: { ok: boolean } };
    expect(doc.ingest.eventsNew).toBeGreaterThan(0);
    expect(doc.verify.ok).toBe(true);
  });
});
