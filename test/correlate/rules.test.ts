// The rule registry and the folder agree (every rule file registered, ids equal file names, one rule
// per API); every event a rule reads is in the catalog the ingest push-down fetches; and the
// correlator's SQL sees each declaration exactly as the rule file wrote it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KMS_EVIDENCE_EVENTS, LINEAGE_EVENT_NAMES, LINEAGE_EVENT_SOURCES } from '../../core/events.ts';
import { correlate } from '../../correlate/correlate.ts';
import { RULES } from '../../correlate/rules/index.ts';
import { CONTEXT_KEYS, RECORD_FIELDS, ruleRow } from '../../correlate/rules/rule.ts';
import { sqlText } from '../../queries/store.ts';
import { memoryStore } from '../helpers.ts';

/** Files in correlate/rules/ that are not rules: the registry and the schema. */
const NOT_RULES = ['index.ts', 'rule.ts'];

describe('correlation rules', () => {
  it('registers every rule file under its own name, once per copy API', () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'correlate', 'rules'))
      .filter((f) => f.endsWith('.ts') && !NOT_RULES.includes(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(RULES.map((r) => r.id).sort()).toEqual(files);
    expect(new Set(RULES.map((r) => `${r.eventSource} ${r.api}`)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.kms.operations).not.toContain('DescribeKey');
      expect(r.windows.targetAfterS).toBeGreaterThanOrEqual(r.windows.pickWindowS);
    }
  });

  it("every rule's API, service events, backing records and KMS operations are in the catalog the sources fetch", () => {
    const names: readonly string[] = LINEAGE_EVENT_NAMES;
    const sources: readonly string[] = LINEAGE_EVENT_SOURCES;
    for (const r of RULES) {
      const events = [
        [r.eventSource, r.api],
        ...r.serviceEvents.map((s) => [s.eventSource, s.eventName]),
        ...(r.backing ? [[r.backing.eventSource, r.backing.eventName]] : []),
        ...r.kms.operations.map((op) => ['kms.amazonaws.com', op]),
      ];
      for (const [source, name] of events) {
        expect(names, `${r.id}: ${name}`).toContain(name);
        expect(sources, `${r.id}: ${source}`).toContain(source);
      }
      // the one list of KMS evidence operations: a rule may narrow it, never widen it
      for (const op of r.kms.operations) expect(KMS_EVIDENCE_EVENTS).toContain(op);
    }
  });

  it('the correlator reads each rule exactly as declared', async () => {
    const store = await memoryStore();
    await correlate(store);
    const { rows } = await store.userQuery('select * from correlate_rules order by rule_id');
    const declared = RULES.map((r) => ruleRow(r)).sort((a, b) => a.rule_id.localeCompare(b.rule_id));
    expect(rows).toEqual(JSON.parse(JSON.stringify(declared)));
  });

  it('the names the scan of events is narrowed to cover every record a rule reads', async () => {
    const store = await memoryStore();
    await correlate(store);
    const { rows } = await store.userQuery("select unnest(getvariable('rule_event_names')) as name");
    const narrowed = rows.map((r) => String(r.name)).sort();
    const read = RULES.flatMap((r) => [
      r.api,
      ...r.serviceEvents.map((e) => e.eventName),
      ...(r.backing ? [r.backing.eventName] : []),
    ]);
    expect(narrowed).toEqual([...new Set(read)].sort());
  });

  it('the SQL knows every record field a path may start at and every context key a rule may name', () => {
    const record = sqlText('correlate/rule_events');
    for (const field of RECORD_FIELDS) expect(record).toContain(`'${field}'`);
    for (const key of CONTEXT_KEYS) {
      // there, as a quoted key of a JSON path
      expect(sqlText('correlate/extract_kms_context')).toContain(`."${key}"'`);
      expect(sqlText('correlate/evidence')).toContain(`'${key}'`);
    }
  });
});
