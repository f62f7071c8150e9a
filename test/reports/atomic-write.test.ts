// Report files appear whole or not at all, and what an interrupted run left half-written is cleaned up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepPartials, writeAtomic } from '../../reports/atomic-write.ts';

const dirs: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'copytrail-atomic-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('sweepPartials', () => {
  it('removes the partial files of a writer that has ended and keeps everything else', () => {
    const dir = folder();
    const dead = deadPid();
    writeFileSync(join(dir, `residency.pdf.${dead}.partial`), 'half');
    writeFileSync(join(dir, `residency.inputs.jsonl.gz.${dead}.partial`), 'half');
    writeFileSync(join(dir, `residency.pdf.${process.pid}.partial`), 'ours, in flight');
    writeFileSync(join(dir, 'residency.pdf'), 'whole');
    writeFileSync(join(dir, 'notes.partial'), 'no writer named: not ours to remove');
    const removed = sweepPartials(dir);
    expect(removed.sort()).toEqual([
      `residency.inputs.jsonl.gz.${dead}.partial`,
      `residency.pdf.${dead}.partial`,
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'notes.partial',
      'residency.pdf',
      `residency.pdf.${process.pid}.partial`,
    ]);
  });

  it('keeps the partial file of another process that is still writing', () => {
    const dir = folder();
    // the parent of this test process is alive for as long as the test runs
    writeFileSync(join(dir, `forensics.json.${process.ppid}.partial`), 'theirs');
    expect(sweepPartials(dir)).toEqual([]);
    expect(existsSync(join(dir, `forensics.json.${process.ppid}.partial`))).toBe(true);
  });

  it('a folder that does not exist has nothing to sweep', () => {
    expect(sweepPartials(join(folder(), 'missing'))).toEqual([]);
  });
});

describe('writeAtomic', () => {
  it('a write that fails part-way leaves neither the file nor its partial', () => {
    const dir = folder();
    const path = join(dir, 'r.json');
    function* pieces() {
      yield '{"a":';
      throw new Error('the model broke mid-write');
    }
    expect(() => writeAtomic(path, pieces())).toThrow(/mid-write/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a process that exits with a write in flight removes its partial on the way out', () => {
    const dir = folder();
    const script = [
      `import { partialPath } from ${JSON.stringify(join(process.cwd(), 'reports/atomic-write.ts'))};`,
      "import { writeFileSync } from 'node:fs';",
      `const tmp = partialPath(${JSON.stringify(join(dir, 'r.pdf'))});`,
      "writeFileSync(tmp, 'half');",
      'process.exit(143);',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(143);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the whole file and reports its hash and size', () => {
    const dir = folder();
    const path = join(dir, 'r.txt');
    const written = writeAtomic(path, ['ab', Buffer.from('cd')]);
    expect(readFileSync(path, 'utf8')).toBe('abcd');
    expect(written.bytes).toBe(4);
    expect(written.sha256).toBe('88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589');
  });
});
