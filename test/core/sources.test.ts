// Each source is declared once (core/sources.ts): its `ingest <type>` flags and its config keys are
// both built from that declaration, and the same source written either way is the same spec.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/cli-kit.ts';
import { ConfigError, loadConfig, ScheduleSource, specOf } from '../../core/config.ts';
import { commandFields, flagOf, isOptional } from '../../core/source-flags.ts';
import { type Field, SOURCE_TYPES, SOURCES, type SourceType } from '../../core/sources.ts';
import { parseIngestArgs, registerIngest } from '../../ingest/command.ts';
import { tempDir } from '../helpers.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'copytrail.mjs');
const NOW = new Date('2026-03-10T12:00:00Z');

function helpOf(type: SourceType): string {
  const program = new Command('copytrail');
  registerIngest(program);
  const ingest = program.commands.find((c) => c.name() === 'ingest')!;
  return ingest.commands.find((c) => c.name() === type)!.helpInformation();
}

/** The keys a schedule's source of this type accepts, read off the config schema itself. */
function configKeys(type: SourceType): string[] {
  const option = ScheduleSource.options.find((o) => o.shape.type.value === type)!;
  return Object.keys(option.shape).sort();
}

function configSource(source: Record<string, unknown>): ScheduleSource {
  return ScheduleSource.parse(source);
}

/** A config file with one schedule reading one source; what loadConfig says about it. */
function loadWithSource(source: string): unknown {
  const file = join(tempDir(), 'copytrail.yaml');
  writeFileSync(
    file,
    [
      'schedules:',
      '  - name: daily',
      "    cron: '0 6 * * *'",
      `    sources: [${source}]`,
      '    reports: [{ id: residency }]',
      '    deliver: { dir: out }',
      '',
    ].join('\n'),
  );
  try {
    return loadConfig(file);
  } catch (err) {
    return err;
  }
}

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
}

/**
 * Every source with every option set, once as a schedule's source and once as `ingest` flags. A
 * new option in a declaration must be added here too (the coverage test below fails until it is).
 */
const SAME_SOURCE: Record<SourceType, { config: Record<string, unknown>; argv: string[] }> = {
  dir: {
    config: { type: 'dir', paths: ['/var/trail', 'extra.json.gz'] },
    argv: ['/var/trail', 'extra.json.gz'],
  },
  s3: {
    config: {
      type: 's3',
      bucket: 'my-org-trail',
      prefix: 'cloudtrail',
      org_id: 'o-abc123def4',
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1', 'eu-central-1'],
      endpoint_url: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      concurrency: 32,
    },
    argv: [
      '--bucket',
      'my-org-trail',
      '--prefix',
      'cloudtrail',
      '--org-id',
      'o-abc123def4',
      '--accounts',
      '111122223333, 444455556666',
      '--regions',
      'eu-west-1,eu-central-1',
      '--endpoint-url',
      'http://127.0.0.1:9000',
      '--region',
      'eu-west-1',
      '--concurrency',
      '32',
    ],
  },
  lookup: {
    config: {
      type: 'lookup',
      regions: ['us-east-1'],
      accounts: ['111122223333'],
      org_accounts: true,
      role_name: 'CopytrailReader',
      all_management: true,
    },
    argv: [
      '--regions',
      'us-east-1',
      '--accounts',
      '111122223333',
      '--org-accounts',
      '--role-name',
      'CopytrailReader',
      '--all-management',
    ],
  },
  athena: {
    config: {
      type: 'athena',
      database: 'cloudtrail',
      table: 'org_trail',
      workgroup: 'audit',
      output: 's3://athena-results/copytrail/',
      region: 'us-east-2',
      accounts: ['111122223333'],
      regions: ['us-east-1', 'eu-west-1'],
      extra_events: ['ConsoleLogin'],
      all_kms: true,
    },
    argv: [
      '--database',
      'cloudtrail',
      '--table',
      'org_trail',
      '--workgroup',
      'audit',
      '--output',
      's3://athena-results/copytrail/',
      '--region',
      'us-east-2',
      '--accounts',
      '111122223333',
      '--regions',
      'us-east-1,eu-west-1',
      '--extra-events',
      'ConsoleLogin',
      '--all-kms',
    ],
  },
  lake: {
    config: {
      type: 'lake',
      event_data_store: 'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE',
      owner_account: '444455556666',
      region: 'eu-west-1',
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
      extra_events: ['ConsoleLogin', 'AssumeRole'],
      all_kms: true,
    },
    argv: [
      '--event-data-store',
      'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE',
      '--owner-account',
      '444455556666',
      '--region',
      'eu-west-1',
      '--accounts',
      '111122223333',
      '--regions',
      'eu-west-1',
      '--extra-events',
      'ConsoleLogin,AssumeRole',
      '--all-kms',
    ],
  },
};

/** The window flags a windowed source needs on the command line. */
const windowArgs = (type: SourceType) => (SOURCES[type].window ? ['--since', '2026-03-01'] : []);

describe('one declaration per source', () => {
  for (const type of SOURCE_TYPES) {
    const d = SOURCES[type];

    it(`${type}: every option is a flag of \`ingest ${type}\` and a key of a schedule's source; flags and window keys stay on their side`, () => {
      const help = helpOf(type);
      for (const [key, f] of commandFields(d)) {
        if (f.kind === 'paths')
          expect(help, key).toMatch(new RegExp(`ingest ${type} \\[options\\] <${key}\\.\\.\\.>`));
        else expect(help, key).toMatch(new RegExp(`^\\s+${flagOf(key)}\\b`, 'm'));
      }
      const window = d.window ? ['lookback', 'overlap'] : [];
      expect(configKeys(type)).toEqual(['type', ...Object.keys(d.options), ...window].sort());
      // the command line's own flags and the window's two spellings do not cross over
      for (const key of Object.keys(d.flags)) expect(configKeys(type)).not.toContain(key);
      if (d.window) {
        expect(help).toMatch(/^\s+--since <time>/m);
        expect(help).not.toMatch(/--lookback|--overlap/);
      } else {
        expect(help).not.toMatch(/--since|--until/);
      }
    });

    it(`${type}: a schedule's source and the same \`ingest ${type}\` flags are one spec`, () => {
      const { config, argv } = SAME_SOURCE[type];
      // the fixture sets every option the declaration has, so a new option cannot be left untested
      expect(Object.keys(config).sort()).toEqual(['type', ...Object.keys(d.options)].sort());
      const fromFlags = parseIngestArgs(type, [...argv, ...windowArgs(type)], NOW).spec;
      expect(fromFlags).toStrictEqual(specOf(configSource(config)));
    });

    it(`${type}: the defaults are the same on both sides`, () => {
      const { config, argv } = SAME_SOURCE[type];
      // only what the source cannot do without
      const required = Object.entries<Field>(d.options)
        .filter(([, f]) => !isOptional(f))
        .map(([k]) => k);
      const minimal = Object.fromEntries(
        Object.entries(config).filter(([k]) => k === 'type' || required.includes(k)),
      );
      const minimalArgv = argv.filter((a, i) => {
        const flag = a.startsWith('--') ? a : argv[i - 1];
        return !flag?.startsWith('--') || required.some((k) => flagOf(k) === flag);
      });
      const fromConfig = specOf(configSource(minimal));
      expect(parseIngestArgs(type, [...minimalArgv, ...windowArgs(type)], NOW).spec).toStrictEqual(
        fromConfig,
      );
    });
  }

  it('each declaration is filed under its own type, and the config has one source schema per type', () => {
    for (const type of SOURCE_TYPES) expect(SOURCES[type].type).toBe(type);
    expect(ScheduleSource.options.map((o) => o.shape.type.value)).toEqual(SOURCE_TYPES);
  });

  it('fills in the declared defaults: prefix, concurrency, switches, and lookback/overlap per source', () => {
    const s3 = configSource({ type: 's3', bucket: 'trail' });
    expect(s3).toMatchObject({ prefix: '', concurrency: 16, lookback: 7 * 86400, overlap: 6 * 3600 });
    expect(configSource({ type: 'lookup' })).toMatchObject({
      org_accounts: false,
      all_management: false,
      lookback: 86400,
      overlap: 3600,
    });
    expect(configSource({ type: 'athena', database: 'd', table: 't' })).toMatchObject({ overlap: 6 * 3600 });
    expect(configSource({ type: 'lake', event_data_store: 'e', lookback: '3d' })).toMatchObject({
      all_kms: false,
      lookback: 3 * 86400,
      overlap: 3600,
    });
    const parsed = parseIngestArgs('s3', ['--bucket', 'trail', '--since', '7d', '--regions', 'all'], NOW);
    expect(parsed.spec).toStrictEqual(specOf(s3));
    expect(parsed.range).toEqual({ since: new Date('2026-03-03T12:00:00Z'), until: NOW });
    expect(parsed.flags).toEqual({
      verify: false,
      spool: undefined,
      public_keys: undefined,
      profile: undefined,
    });
  });
});

describe('bad values name the flag or the config field', () => {
  const bad: [string, SourceType, string[], string, RegExp, RegExp][] = [
    [
      'an account id',
      's3',
      ['--bucket', 'trail', '--accounts', '111122223333,12345'],
      "{ type: s3, bucket: trail, accounts: ['111122223333', '12345'] }",
      /^--accounts: '12345' is not an account id \(12 digits\)$/,
      /schedules\.0\.sources\.0\.accounts\.1: '12345' is not an account id/,
    ],
    [
      'a region code',
      'athena',
      ['--database', 'd', '--table', 't', '--regions', 'eu-west-1,Frankfurt'],
      '{ type: athena, database: d, table: t, regions: [eu-west-1, Frankfurt] }',
      /^--regions: 'Frankfurt' is not a region code/,
      /schedules\.0\.sources\.0\.regions\.1: 'Frankfurt' is not a region code/,
    ],
    [
      'an event name',
      'lake',
      ['--event-data-store', 'e', '--extra-events', 'Console Login'],
      "{ type: lake, event_data_store: e, extra_events: ['Console Login'] }",
      /^--extra-events: 'Console Login' is not an event name/,
      /schedules\.0\.sources\.0\.extra_events\.0: 'Console Login' is not an event name/,
    ],
    [
      'an organization id',
      's3',
      ['--bucket', 'trail', '--org-id', 'org-1'],
      '{ type: s3, bucket: trail, org_id: org-1 }',
      /^--org-id: 'org-1' is not an organization id/,
      /schedules\.0\.sources\.0\.org_id: 'org-1' is not an organization id/,
    ],
    [
      'a concurrency out of range',
      's3',
      ['--bucket', 'trail', '--concurrency', '300'],
      '{ type: s3, bucket: trail, concurrency: 300 }',
      /^--concurrency: 300 is not a whole number from 1 to 256$/,
      /schedules\.0\.sources\.0\.concurrency: 300 is not a whole number from 1 to 256/,
    ],
    [
      'an endpoint that is not a URL',
      's3',
      ['--bucket', 'trail', '--endpoint-url', 'localhost-9000'],
      '{ type: s3, bucket: trail, endpoint_url: localhost-9000 }',
      /^--endpoint-url: 'localhost-9000' is not a URL$/,
      /schedules\.0\.sources\.0\.endpoint_url: 'localhost-9000' is not a URL/,
    ],
    [
      'a lookup of other accounts without a role',
      'lookup',
      ['--org-accounts'],
      '{ type: lookup, org_accounts: true }',
      /^--role-name is needed with --accounts or --org-accounts$/,
      /schedules\.0\.sources\.0: role_name is needed with accounts or org_accounts/,
    ],
  ];
  for (const [name, type, argv, yaml, flagMessage, configMessage] of bad) {
    it(`refuses ${name} on the command line and in a config file`, () => {
      expect(usageError(() => parseIngestArgs(type, [...argv, ...windowArgs(type)], NOW))).toMatch(
        flagMessage,
      );
      const err = loadWithSource(yaml);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(configMessage);
    });
  }

  it('a command-line-only flag is not a config key, and a window key is not a flag', () => {
    const verify = loadWithSource('{ type: s3, bucket: trail, verify: true }');
    expect((verify as Error).message).toMatch(/schedules\.0\.sources\.0: Unrecognized key: "verify"/);
    expect(() => parseIngestArgs('s3', ['--bucket', 'trail', '--since', '1d', '--lookback', '7d'])).toThrow(
      /unknown option '--lookback'/,
    );
  });

  it('checks the window and the command-line-only flags too', () => {
    expect(usageError(() => parseIngestArgs('lookup', ['--since', '03/01/2026']))).toMatch(
      /^--since '03\/01\/2026' is ambiguous/,
    );
    expect(
      usageError(() =>
        parseIngestArgs('lake', ['--event-data-store', 'e', '--since', '1d', '--until', '2d']),
      ),
    ).toBe('--until must be later than --since');
    expect(
      usageError(() =>
        parseIngestArgs('athena', ['--database', 'd', '--table', 't', '--since', '1d', '--create-table']),
      ),
    ).toBe('--create-table needs --trail-location');
    expect(usageError(() => parseIngestArgs('dir', ['--max-file-size', '9GB', 'trail']))).toMatch(
      /^--max-file-size: '9GB' is \d+ bytes; it must be from 1 to \d+$/,
    );
  });
});

describe('copytrail ingest, as a user runs it', () => {
  it('lists every declared flag in --help, and exits 2 naming the flag of a bad value without creating a database', () => {
    const help = spawnSync(process.execPath, [BIN, 'ingest', 'lake', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const [key] of commandFields(SOURCES.lake)) expect(help.stdout).toContain(flagOf(key));

    const db = join(tempDir(), 'never.duckdb');
    const bad = spawnSync(
      process.execPath,
      [BIN, '--db', db, 'ingest', 'lookup', '--since', '1d', '--accounts', '111122223333'],
      { encoding: 'utf8' },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('copytrail: --role-name is needed with --accounts or --org-accounts\n');
    expect(existsSync(db)).toBe(false);
  });
});
