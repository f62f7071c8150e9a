// Every registered rule's named scenarios (test/correlate/rules/<id>.fixtures.ts), run through ingest
// and the real correlator on a fresh store: positive records must make the copies and links they
// name, negative records must make nothing they do not. Generic over RULES: a new rule is tested by
// declaring its fixtures.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { RULES } from '../../correlate/rules/index.ts';
import type { Store } from '../../queries/store.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { deliver } from './fixtures.ts';
import { RuleFixtures } from './rules/fixture.ts';

const FIXTURES_DIR = join(import.meta.dirname, 'rules');

const FIXTURES = new Map(
  await Promise.all(
    RULES.map(
      async (r) =>
        [
          r.id,
          RuleFixtures.parse((await import(join(FIXTURES_DIR, `${r.id}.fixtures.ts`))).fixtures),
        ] as const,
    ),
  ),
);

async function outcome(store: Store) {
  const copies = (await store.userQuery('select * from copies order by copy_id')).rows;
  const evidence = (
    await store.userQuery(
      'select copy_id, event_id, side, match from copy_evidence order by copy_id, event_id',
    )
  ).rows;
  return { copies, evidence };
}

const byLink = (a: { copy_id: string; event_id: string }, b: { copy_id: string; event_id: string }) =>
  a.copy_id.localeCompare(b.copy_id) || a.event_id.localeCompare(b.event_id);

describe('rule fixtures', () => {
  it('every rule has a fixtures module in test/correlate/rules/, and every fixtures module a rule', () => {
    const modules = readdirSync(FIXTURES_DIR)
      .filter((f) => f.endsWith('.fixtures.ts'))
      .map((f) => f.replace(/\.fixtures\.ts$/, ''))
      .sort();
    expect(modules).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const rule of RULES) {
    const fixtures = FIXTURES.get(rule.id)!;
    // a rule that reads KMS records must link in every positive scenario; one that declares only
    // service events (a configuration's end) must link in one; one that declares no evidence at all
    // must make its edge
    const readsKms = rule.kms.operations.length > 0;
    const declaresEvidence = readsKms || rule.serviceEvents.length > 0;
    describe(rule.id, () => {
      it(`names a positive scenario where a ${rule.api} call ${declaresEvidence ? 'links' : 'makes its edge'}`, () => {
        const linking = fixtures.positive.filter((s) =>
          s.copies.some(
            (c) =>
              c.api === rule.api && (!declaresEvidence || s.evidence.some((v) => v.copy_id === c.copy_id)),
          ),
        );
        expect(linking.length).toBeGreaterThan(0);
        if (readsKms) for (const s of fixtures.positive) expect(s.evidence.length, s.name).toBeGreaterThan(0);
      });

      for (const [kind, scenarios] of [
        ['positive', fixtures.positive],
        ['negative', fixtures.negative],
      ] as const) {
        for (const scenario of scenarios) {
          it(`${kind}: ${scenario.name}`, async () => {
            const ids = scenario.records.map((r) => r.eventID);
            expect(new Set(ids).size, 'event ids are unique in a scenario').toBe(ids.length);
            const store = await memoryStore();
            await deliver(store, tempDir(), scenario.records);
            await correlate(store);
            const { copies, evidence } = await outcome(store);

            expect(copies.map((c) => c.copy_id)).toEqual(scenario.copies.map((c) => c.copy_id).sort());
            for (const expected of scenario.copies) {
              expect(copies.find((c) => c.copy_id === expected.copy_id)).toMatchObject(expected);
            }
            expect(evidence).toEqual([...scenario.evidence].sort(byLink));

            if (kind === 'positive') {
              // a copy of this rule's (its API's, or one seen through its service event) has evidence
              // where the scenario names any
              const own = [
                rule.api as string,
                ...rule.serviceEvents.filter((s) => s.alone).map((s) => s.eventName),
              ];
              const ownCopies = copies.filter((c) => own.includes(c.api as string)).map((c) => c.copy_id);
              expect(ownCopies.length).toBeGreaterThan(0);
              if (scenario.evidence.length > 0 || readsKms)
                expect(evidence.some((v) => ownCopies.includes(v.copy_id))).toBe(true);
            } else {
              const unlinked = (scenario as { unlinked: string[] }).unlinked;
              for (const id of unlinked) {
                expect(ids, `${id} is one of the scenario's records`).toContain(id);
                expect(evidence.map((v) => v.event_id)).not.toContain(id);
                expect(copies.map((c) => c.copy_id)).not.toContain(id);
              }
            }
          });
        }
      }
    });
  }
});
