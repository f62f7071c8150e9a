// What the correlator made of a scenario, read back for assertions: a copy's evidence as
// side:match:event:account strings, and the one copy row a condition selects.
import { expect } from 'vitest';
import type { Store } from '../../queries/store.ts';

export async function evidenceOf(store: Store, copyTarget: string) {
  const { rows } = await store.userQuery(
    `select v.match, v.side, e.event_name, e.recipient_account_id from copy_evidence v join copies c on c.copy_id = v.copy_id join events e on e.event_id = v.event_id where c.target_id = '${copyTarget}' order by v.match, e.event_name, e.recipient_account_id`,
  );
  return rows.map((r) => `${r.side}:${r.match}:${r.event_name}:${r.recipient_account_id}`);
}

export async function copyRow(store: Store, where: string) {
  const { rows } = await store.userQuery(`select * from copies where ${where}`);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}
