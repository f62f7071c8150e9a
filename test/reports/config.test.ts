// The config file, the region table, and the report registry against the filesystem.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.ts';
import { REGIONS, regionInfo } from '../../core/regions.ts';
import { listQueryNames } from '../../queries/store.ts';
import { REPORT_IDS, REPORTS } from '../../reports/registry.ts';
import { tempDir } from '../helpers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCHEDULE = [
  'schedules:',
  '  - name: daily',
  "    cron: '0 6 * * *'",
  '    timezone: UTC',
  '    sources: [{ type: dir, paths: [trail] }]',
  '    reports: [{ id: residency }]',
  '    deliver: { dir: out }',
  '',
].join('\n');

describe('config', () => {
  it('the committed example parses, with its requirements and durations', () => {
    const c = loadConfig(join(ROOT, 'config.example.yaml'));
    expect(c.residency.allowed_jurisdictions).toEqual(['US', 'EU']);
    expect(c.dr.requirements.map((r) => r.id)).toContain('prod_db_cross_region');
    expect(c.dr.requirements.find((r) => r.id === 'prod_db_cross_region')!.rpo).toBe(12 * 3600);
    const daily = c.schedules.find((s) => s.name === 'demo-daily')!;
    expect([daily.timezone, daily.period]).toEqual(['Europe/Berlin', 7 * 86400]);
  });

  it('no file gives the schema defaults', () => {
    const c = loadConfig(undefined);
    expect(c.reports.formats).toEqual(['html', 'pdf', 'json']);
    expect(c.dr.requirements).toEqual([]);
  });

  const bad: [string, string, RegExp][] = [
    [
      'unknown region',
      'residency:\n  allowed_regions: [mars-east-1]\n',
      /residency\.allowed_regions\.0: not a known AWS region/,
    ],
    [
      'misspelled key',
      'residency:\n  trusted_acounts: []\n',
      /residency: Unrecognized key: "trusted_acounts"/,
    ],
    [
      'bad account id',
      'residency:\n  vault_accounts: ["12345"]\n',
      /residency\.vault_accounts\.0: an account id is 12 digits/,
    ],
    [
      'bad duration',
      'dr:\n  requirements:\n    - id: a\n      dr_regions: [us-west-2]\n      rpo: soon\n',
      /dr\.requirements\.0\.rpo: a duration/,
    ],
    [
      'requirement without a target',
      'dr:\n  requirements:\n    - id: a\n',
      /dr\.requirements\.0: a requirement needs dr_regions/,
    ],
    [
      'unknown jurisdiction',
      'residency:\n  allowed_jurisdictions: [Atlantis]\n',
      /residency\.allowed_jurisdictions\.0/,
    ],
    ['not YAML', 'residency: [unclosed\n', /not valid YAML/],
    [
      'bad cron expression',
      `${SCHEDULE.replace("'0 6 * * *'", "'every morning'")}`,
      /schedules\.0\.cron: not a cron expression/,
    ],
    [
      'unknown time zone',
      SCHEDULE.replace('UTC', 'Mars/Olympus_Mons'),
      /schedules\.0\.timezone: not an IANA time zone/,
    ],
    [
      'schedule named twice',
      `${SCHEDULE}${SCHEDULE.replace('schedules:\n', '')}`,
      /schedules\.1\.name: schedule 'daily' is named twice/,
    ],
    [
      'forensics without a subject',
      SCHEDULE.replace('{ id: residency }', '{ id: forensics }'),
      /schedules\.0\.reports\.0: a forensics report needs a subject/,
    ],
    [
      'nowhere to deliver',
      SCHEDULE.replace('{ dir: out }', '{}'),
      /schedules\.0\.deliver: deliver needs dir, s3 or both/,
    ],
    ['unknown source type', SCHEDULE.replace('type: dir', 'type: ftp'), /schedules\.0\.sources\.0\.type/],
  ];
  for (const [name, text, message] of bad) {
    it(`a bad config fails naming the file and the field: ${name}`, () => {
      const file = join(tempDir(), 'copytrail.yaml');
      writeFileSync(file, text);
      let err: unknown;
      try {
        loadConfig(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('a missing file is named', () => {
    expect(() => loadConfig('/nonexistent/copytrail.yaml')).toThrow(
      /\/nonexistent\/copytrail\.yaml: cannot read/,
    );
  });
});

describe('region table', () => {
  it('places the regions whose prefix misleads', () => {
    expect(regionInfo('eu-west-2')).toMatchObject({ country: 'GB', jurisdiction: 'UK', partition: 'aws' });
    expect(regionInfo('eu-central-2')).toMatchObject({ country: 'CH', jurisdiction: 'CH' });
    expect(regionInfo('eu-central-1')).toMatchObject({ country: 'DE', jurisdiction: 'EU' });
    expect(regionInfo('cn-north-1')).toMatchObject({ partition: 'aws-cn', jurisdiction: 'CN' });
    expect(regionInfo('us-gov-west-1')).toMatchObject({ partition: 'aws-us-gov', jurisdiction: 'US' });
    expect(regionInfo('eusc-de-east-1')).toMatchObject({ partition: 'aws-eusc', jurisdiction: 'EU' });
    expect(regionInfo('ca-west-1')).toMatchObject({ jurisdiction: 'CA' });
    expect(regionInfo('mars-east-1')).toBeNull();
  });

  it('knows every region the simulator and the reference samples use', () => {
    for (const r of [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'eu-west-1',
      'eu-west-2',
      'eu-central-1',
      'ap-southeast-2',
      'ap-northeast-1',
      'ca-central-1',
      'sa-east-1',
      'ap-south-1',
    ]) {
      expect(REGIONS.has(r), r).toBe(true);
    }
    expect(REGIONS.size).toBeGreaterThanOrEqual(40);
  });
});

describe('report registry', () => {
  it('each report id is its folder, its template and its query folder; no orphan report query or template', () => {
    // reports/findings/ is no report: it writes every report's findings as OSCAL, OCSF and CSV
    const reportDirs = readdirSync(join(ROOT, 'reports'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'findings')
      .map((d) => d.name)
      .sort();
    expect(reportDirs).toEqual([...REPORT_IDS].sort());
    for (const id of REPORT_IDS) {
      expect(REPORTS[id].id).toBe(id);
      expect(existsSync(join(ROOT, 'reports', id, 'report.ts')), `reports/${id}/report.ts`).toBe(true);
      expect(existsSync(join(ROOT, 'templates', `${id}.hbs`)), `templates/${id}.hbs`).toBe(true);
    }
    const templates = readdirSync(join(ROOT, 'templates')).filter((f) => f.endsWith('.hbs'));
    expect(templates.map((t) => t.replace(/\.hbs$/, '')).sort()).toEqual([...REPORT_IDS].sort());
    // every report query is used by name somewhere in reports/ or pipeline/
    const code = ['reports', 'pipeline']
      .flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .map((f) => readFileSync(join(ROOT, dir, f), 'utf8')),
      )
      .join('\n');
    const queryDirs = readdirSync(join(ROOT, 'queries', 'reports'));
    expect(queryDirs.filter((d) => d !== 'common').sort()).toEqual([...REPORT_IDS].sort());
    for (const name of listQueryNames().filter((n) => n.startsWith('reports/'))) {
      expect(code.includes(`'${name}'`), `${name} is used`).toBe(true);
    }
    // every partial a template names exists: a file in templates/partials/, or one a report
    // template defines inline for the layout to place ({{#*inline "policy"}})
    const files = readdirSync(join(ROOT, 'templates', 'partials')).map((f) => f.replace(/\.hbs$/, ''));
    const partials = new Set(files);
    for (const t of templates)
      for (const m of readFileSync(join(ROOT, 'templates', t), 'utf8').matchAll(
        /\{\{#\*inline\s+"([\w-]+)"/g,
      ))
        partials.add(m[1]!);
    for (const t of [
      ...templates.map((f) => join('templates', f)),
      ...files.map((p) => join('templates', 'partials', `${p}.hbs`)),
    ]) {
      for (const m of readFileSync(join(ROOT, t), 'utf8').matchAll(/\{\{#?>\s*([\w-]+)/g)) {
        expect(partials.has(m[1]!), `${t} uses partial ${m[1]}`).toBe(true);
      }
    }
  });
});
