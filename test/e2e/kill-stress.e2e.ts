// Kill stress: the real executable stopped many times at random moments (SIGKILL, SIGTERM, SIGINT)
// during ingest, correlate, report and a scheduled run. After every stop the database opens, and
// after the last re-run it holds exactly the events and lineage of a run that was never stopped.
// The seed is printed, so a failing sequence can be replayed (COPYTRAIL_STRESS_SEED).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { type Contents, contents, contentsOf, copytrail, killAfter } from '../crash/harness.ts';

const SEED = Number(process.env.COPYTRAIL_STRESS_SEED ?? Date.now() % 100_000);
const ROUNDS = Number(process.env.COPYTRAIL_STRESS_ROUNDS ?? 12);
let rand = SEED;
/** A small seeded PRNG (LCG), so a run can be replayed from its printed seed. */
function random(): number {
  rand = (rand * 1_103_515_245 + 12_345) % 2_147_483_648;
  return rand / 2_147_483_648;
}
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;

let work: string;
let trail: string;
let reference: Contents;

beforeAll(async () => {
  console.log(`kill stress: seed ${SEED}, ${ROUNDS} rounds`);
  work = mkdtempSync(join(tmpdir(), 'copytrail-stress-'));
  trail = simulate({ out: join(work, 'trail'), events: 12_000, days: 2, seed: 3 }).out;
  const store = await Store.open({ path: ':memory:', memoryLimit: '2GB' });
  await ingestDir(store, [trail]);
  await correlate(store);
  reference = await contentsOf(store);
  store.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SIGNALS: NodeJS.Signals[] = ['SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGINT'];

describe('kill stress', () => {
  it('ingest stopped at random moments, again and again, then finished', async () => {
    const db = join(work, 'ingest.duckdb');
    for (let round = 0; round < ROUNDS; round++) {
      const signal = pick(SIGNALS);
      const ms = 300 + Math.floor(random() * 6000);
      const r = await killAfter(['--db', db, 'ingest', 'dir', trail], ms, signal);
      // a signal that lands before the command installs its handler (while Node starts) ends the
      // process as the default action does; once installed, the stop is clean: 130/143 and a word
      // on what was committed
      if (signal !== 'SIGKILL' && r.code !== 0 && r.signal === null) {
        expect([130, 143], `${signal} after ${ms} ms: ${r.stderr}`).toContain(r.code);
        expect(r.stderr).toMatch(/committed/);
      }
      if (existsSync(db)) await contents(db); // opens, or this throws
    }
    const last = copytrail(['--db', db, 'ingest', 'dir', trail]);
    expect(last.code, last.stderr).toBe(0);
    const got = await contents(db);
    expect(got.events).toBe(reference.events);
    expect(got.eventsHash).toBe(reference.eventsHash);
    expect(got.loadedFiles).toBe(reference.loadedFiles);
    // no spool left behind by the clean stops, none by the kills after the next run
    expect(readdirSync(work).filter((f) => f.includes('spool'))).toEqual([]);

    for (let round = 0; round < Math.ceil(ROUNDS / 2); round++) {
      const signal = pick(SIGNALS);
      await killAfter(['--db', db, 'correlate'], 200 + Math.floor(random() * 4000), signal);
      await contents(db);
    }
    expect(copytrail(['--db', db, 'correlate']).code).toBe(0);
    const lineage = await contents(db);
    expect(lineage.copies).toBe(reference.copies);
    expect(lineage.lineageHash).toBe(reference.lineageHash);

    // a report stopped mid-way leaves no half-written file under a report's name, and the store
    // still opens; a clean stop removes its own partial files, and one killed outright leaves them
    // for the next run into the folder to sweep
    const out = join(work, 'reports');
    const partials = () => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.partial')) : []);
    for (let round = 0; round < 4; round++) {
      const signal = round === 0 ? 'SIGKILL' : pick(SIGNALS);
      const before = new Set(partials());
      await killAfter(
        ['--db', db, 'report', 'residency', '--format', 'html,pdf,json', '--out', out],
        500 + Math.floor(random() * 5000),
        signal,
      );
      await contents(db);
      if (signal !== 'SIGKILL')
        expect(
          partials().filter((f) => !before.has(f)),
          `after ${signal}`,
        ).toEqual([]);
    }
    const report = copytrail(['--db', db, 'report', 'residency', '--format', 'html,pdf,json', '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(partials()).toEqual([]);
    expect(copytrail(['manifest', 'verify', out]).code).toBe(0);
  });

  it('a scheduled run killed at random moments is recorded, and the next run completes the job', async () => {
    const db = join(work, 'schedule.duckdb');
    const config = join(work, 'schedule.yaml');
    writeFileSync(
      config,
      [
        'schedules:',
        '  - name: hourly',
        "    cron: '0 * * * *'",
        '    sources:',
        `      - { type: dir, paths: ['${trail}'] }`,
        '    reports: [{ id: dr_coverage, formats: [json] }]',
        `    deliver: { dir: '${join(work, 'delivered')}' }`,
        '',
      ].join('\n'),
    );
    const args = [
      '--db',
      db,
      'schedule',
      'once',
      'hourly',
      '--config',
      config,
      '--at',
      '2026-03-03T00:30:00Z',
    ];
    for (let round = 0; round < Math.ceil(ROUNDS / 2); round++) {
      await killAfter(args, 500 + Math.floor(random() * 8000), pick(SIGNALS));
      if (existsSync(db)) await contents(db);
    }
    const last = copytrail(args);
    expect(last.code, last.stderr).toBe(0);
    const got = await contents(db);
    expect(got.eventsHash).toBe(reference.eventsHash);
    expect(got.lineageHash).toBe(reference.lineageHash);
  });
});
