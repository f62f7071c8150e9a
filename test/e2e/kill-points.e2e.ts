// Crash safety of the real executable: ingest and correlate stopped by SIGKILL at exact points
// (during the first migrations, inside a batch's transaction) or by SIGTERM leave a database that
// opens, and running the same command again reaches exactly the events and lineage of a run that
// was never stopped. The stress variant, at random times, is test/e2e/kill-stress.e2e.ts.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { type Contents, contents, contentsOf, copytrail } from '../crash/harness.ts';
import { memoryStore, tempDir } from '../helpers.ts';

let work: string;
let trail: string;
let reference: Contents;
/**
 * The statement of `copytrail correlate` that follows the extraction's commit, on a loaded store whose
 * KMS join keys are not extracted yet.
 */
const AFTER_EXTRACTION = 8;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'copytrail-kill-'));
  trail = simulate({ out: join(work, 'trail'), events: 2000, days: 1, seed: 5 }).out;
  const store = await memoryStore();
  await ingestDir(store, [trail]);
  await correlate(store);
  reference = await contentsOf(store);
  expect(reference.events).toBeGreaterThan(1500);
  expect(reference.copies).toBeGreaterThan(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The spool folders a database's ingest may leave (none after a clean stop). */
function spools(db: string): string[] {
  const dir = join(db, '..');
  return readdirSync(dir).filter((f) => f.includes('spool'));
}

describe('killed and run again', () => {
  it.each([
    ['during the first migrations', 4],
    ['inside a batch, between its statements', 90],
  ])('SIGKILL %s: the database opens, and a re-run loads exactly the same events', async (_point, at) => {
    const db = join(tempDir(), 'kill.duckdb');
    const killed = copytrail(['--db', db, 'ingest', 'dir', trail], { COPYTRAIL_FAULT: `${at}:SIGKILL` });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(existsSync(db)).toBe(true);
    const again = copytrail(['--db', db, 'ingest', 'dir', trail]);
    expect(again.code, again.stderr).toBe(0);
    const got = await contents(db);
    expect(got.events).toBe(reference.events);
    expect(got.eventsHash).toBe(reference.eventsHash);
    expect(got.loadedFiles).toBe(reference.loadedFiles);
    // the KMS join keys are committed with their batch: none lost, none twice
    expect(got.kmsContext).toBe(reference.kmsContext);
  });

  it('SIGTERM mid-ingest: exit 143, says what was committed, leaves no spool; the re-run completes the set', async () => {
    const db = join(tempDir(), 'term.duckdb');
    const stopped = copytrail(['--db', db, 'ingest', 'dir', trail], { COPYTRAIL_FAULT: '90:SIGTERM' });
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.stderr).toMatch(/stopped by SIGTERM: \d+ files and \d+ new events are committed/);
    expect(spools(db)).toEqual([]);
    const partial = await contents(db);
    expect(partial.events).toBeGreaterThan(0);
    expect(partial.events).toBeLessThan(reference.events);
    expect(copytrail(['--db', db, 'ingest', 'dir', trail]).code).toBe(0);
    expect((await contents(db)).eventsHash).toBe(reference.eventsHash);
  });

  it('SIGKILL inside correlate: the lineage is as before; the re-run gives the lineage of an unstopped run', async () => {
    const db = join(tempDir(), 'correlate.duckdb');
    expect(copytrail(['--db', db, 'ingest', 'dir', trail]).code).toBe(0);
    const killed = copytrail(['--db', db, 'correlate'], { COPYTRAIL_FAULT: '12:SIGKILL' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect((await contents(db)).copies).toBe(0);
    const term = copytrail(['--db', db, 'correlate'], { COPYTRAIL_FAULT: '12:SIGTERM' });
    expect(term.code, term.stderr).toBe(143);
    expect(term.stderr).toMatch(
      /correlate stopped by SIGTERM: rolled back, the lineage is as the last completed run/,
    );
    expect((await contents(db)).copies).toBe(0);
    expect(copytrail(['--db', db, 'correlate']).code).toBe(0);
    const got = await contents(db);
    expect(got.copies).toBe(reference.copies);
    expect(got.lineageHash).toBe(reference.lineageHash);
  });

  it('SIGKILL after the KMS extraction commits, before the rebuild: the re-run builds the lineage of an unstopped run', async () => {
    const db = join(tempDir(), 'extracted.duckdb');
    expect(copytrail(['--db', db, 'ingest', 'dir', trail]).code).toBe(0);
    // the ingest extracted the keys; correlate extracts them itself in a store without them (one
    // loaded before the ingest did, or reset by a migration)
    const store = await Store.open({ path: db });
    await store.conn.run('delete from kms_context');
    await store.conn.run('update correlate_state set watermark = 0');
    store.close();
    const killed = copytrail(['--db', db, 'correlate'], { COPYTRAIL_FAULT: `${AFTER_EXTRACTION}:SIGKILL` });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const between = await contents(db);
    // the point is the one meant: the extraction is stored, no lineage yet
    expect(between.kmsContext).toBe(reference.kmsContext);
    expect(between.copies).toBe(0);
    const again = copytrail(['--db', db, '--output', 'json', 'correlate']);
    expect(again.code, again.stderr).toBe(0);
    // nothing was extracted twice: the re-run started from the committed watermark
    expect(JSON.parse(again.stdout).newKmsFrom).toBeGreaterThan(0);
    const got = await contents(db);
    expect(got.kmsContext).toBe(reference.kmsContext);
    expect(got.copies).toBe(reference.copies);
    expect(got.lineageHash).toBe(reference.lineageHash);
  });
});
