// A forensics timeline shows every share the report lists for its subject: an RDS snapshot shared
// with an outside account is in it even though no copy in our trails touched that snapshot (the
// outsider's copy is in the outsider's trail, and RDS writes no owner-side copy event).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { A1 } from '../correlate/fixtures.ts';
import { tempDir } from '../helpers.ts';
import { buildScenario, OUTSIDER, POLICY } from './scenario.ts';

const RDS_SHARE = {
  eventVersion: '1.09',
  eventID: 'f0f0f0f0-0000-4000-8000-000000000001',
  eventTime: '2026-03-02T11:00:00Z',
  eventSource: 'rds.amazonaws.com',
  eventName: 'ModifyDBSnapshotAttribute',
  awsRegion: 'us-east-1',
  recipientAccountId: A1,
  userIdentity: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${A1}:assumed-role/DbAdmin/mallory`,
    accountId: A1,
  },
  requestParameters: {
    attributeName: 'restore',
    dBSnapshotIdentifier: 'billing-final',
    valuesToAdd: [OUTSIDER],
  },
  responseElements: {
    dBSnapshotIdentifier: 'billing-final',
    dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [OUTSIDER] }],
  },
};

describe('forensics timeline and shares', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    await buildScenario(store, tempDir(), [RDS_SHARE]);
  });
  afterAll(() => store.close());

  it("an RDS snapshot shared with the outside account is in the account's shares and in its timeline", async () => {
    const r = await generateReport(store, {
      id: 'forensics',
      config: POLICY,
      formats: ['json'],
      out: tempDir(),
      subject: OUTSIDER,
      now: new Date('2026-04-01T12:00:00Z'),
    });
    const shares = r.model.shares as { event_id: string; artifact_id: string }[];
    expect(shares.map((s) => s.artifact_id)).toContain('billing-final');
    const timeline = r.model.timeline as { event_id: string; event_name: string; why: string }[];
    const row = timeline.find((t) => t.event_id === RDS_SHARE.eventID);
    expect(row).toMatchObject({ event_name: 'ModifyDBSnapshotAttribute', why: 'share added' });
    // every share the report lists is in the timeline
    const inTimeline = new Set(timeline.map((t) => t.event_id));
    expect(shares.filter((s) => !inTimeline.has(s.event_id))).toEqual([]);
  });
});
