// Shell completion: the scripts `copytrail completion bash|zsh|fish` print are generated from the
// CLI's own command tree. The bash one is run for real: sourced, then asked what completes a line.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copytrail, tempDir } from './helpers.ts';

const COMMANDS = [
  'demo',
  'ingest',
  'correlate',
  'lineage',
  'report',
  'query',
  'verify',
  'simulate',
  'schedule',
  'export',
];
const INGEST = ['dir', 's3', 'lookup', 'athena', 'lake'];

describe('copytrail completion', () => {
  const scripts: Record<string, string> = {};
  let bashFile: string;
  beforeAll(() => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = copytrail(['completion', shell]);
      expect(r.code, r.stderr).toBe(0);
      scripts[shell] = r.stdout;
    }
    bashFile = join(tempDir(), 'copytrail.bash');
    writeFileSync(bashFile, scripts.bash!);
  }, 60_000);

  /** What bash offers for the words typed so far, the last one being completed. */
  const complete = (...words: string[]): string[] => {
    const line = ['copytrail', ...words];
    const script = [
      `source ${JSON.stringify(bashFile)}`,
      `COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${line.length - 1}`,
      '_copytrail_complete',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  };

  it('bash: completes commands, subcommands and their options, skipping option values', () => {
    expect(spawnSync('bash', ['-n', bashFile]).status).toBe(0);
    expect(complete('')).toEqual(expect.arrayContaining([...COMMANDS, 'completion', '--db', '--version']));
    expect(complete('ing')).toEqual(['ingest']);
    expect(complete('ingest', '')).toEqual(expect.arrayContaining(INGEST));
    expect(complete('ingest', 's3', '--bu')).toEqual(['--bucket']);
    // the value of --db is not taken for a command
    expect(complete('--db', 'store.duckdb', 'report', '--f')).toEqual(['--format', '--fail-on']);
    expect(complete('schedule', 'h')).toEqual(['history']);
    expect(complete('nonsense', '')).toEqual([]);
  });

  it('zsh and fish name every command and ingest source', () => {
    expect(scripts.zsh).toMatch(/^#compdef copytrail\n/);
    expect(scripts.zsh).toContain('bashcompinit');
    for (const c of COMMANDS) {
      expect(scripts.zsh).toMatch(new RegExp(`[" ]${c}[ "]`));
      expect(scripts.fish).toContain(`-n '__fish_use_subcommand' -a ${c} -d `);
    }
    for (const s of INGEST) {
      expect(scripts.fish).toContain(
        `-n '__fish_seen_subcommand_from ingest; and not __fish_seen_subcommand_from ${INGEST.join(' ')}' -a ${s} -d `,
      );
    }
    expect(scripts.fish).toContain("complete -c copytrail -n '__fish_seen_subcommand_from s3' -l bucket");
  });

  it('an unknown shell is a usage error', () => {
    const r = copytrail(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("choose bash, zsh, fish, not 'tcsh'");
  });
});
