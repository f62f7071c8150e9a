// DR coverage families: DocumentDB and Neptune snapshot and copy through RDS calls, and only the
// engine their responses name tells them apart; each is a family of its own, not "rds".
import { describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { deliver } from '../correlate/fixtures.ts';
import { A1, call } from '../correlate/rules/fixture.ts';
import { tempDir } from '../helpers.ts';

// shape inferred from the API reference (DBClusterSnapshot.Engine); no real record seen
const clusterSnapshot = (id: string, engine: string | null, cluster: string) =>
  call({
    id,
    at: '2026-03-02T08:00:00Z',
    source: 'rds.amazonaws.com',
    name: 'CreateDBClusterSnapshot',
    region: 'us-east-1',
    account: A1,
    rp: { dBClusterIdentifier: id, dBClusterSnapshotIdentifier: `${id}-snap` },
    re: {
      dBClusterSnapshotIdentifier: `${id}-snap`,
      dBClusterSnapshotArn: `arn:aws:rds:us-east-1:${A1}:cluster-snapshot:${id}-snap`,
      dbClusterResourceId: cluster,
      ...(engine ? { engine } : {}),
    },
  });

describe('dr_coverage families', () => {
  it('a docdb cluster is family docdb, a neptune cluster neptune, an Aurora or unnamed engine rds; a kinds selector picks by family', async () => {
    const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    try {
      await deliver(store, tempDir(), [
        clusterSnapshot('catalog', 'docdb', 'cluster-DOCDB0000000000000000001'),
        clusterSnapshot('graph', 'neptune', 'cluster-NEPTUNE00000000000000001'),
        clusterSnapshot('orders', 'aurora-postgresql', 'cluster-AURORA000000000000000001'),
        clusterSnapshot('unknown', null, 'cluster-NOENGINE0000000000000001'),
      ]);
      await correlate(store);
      const config = Config.parse({
        organization: 'Test Org',
        dr: {
          requirements: [
            { id: 'all', dr_regions: ['us-west-2'], rpo: '24h' },
            { id: 'graphs', select: { kinds: ['neptune'] }, dr_regions: ['us-west-2'], rpo: '24h' },
          ],
        },
        reports: { chromium: process.env.COPYTRAIL_CHROMIUM ?? 'bundled' },
      });
      const r = await generateReport(store, {
        id: 'dr_coverage',
        config,
        formats: ['json'],
        out: tempDir(),
        until: '2026-03-03T00:00:00Z',
        now: new Date('2026-03-03T00:00:00Z'),
      });
      const rows = r.model.rows as { requirement: string; resource_id: string; family: string }[];
      const families = Object.fromEntries(
        rows.filter((x) => x.requirement === 'all').map((x) => [x.resource_id, x.family]),
      );
      expect(families).toEqual({
        'cluster-DOCDB0000000000000000001': 'docdb',
        'cluster-NEPTUNE00000000000000001': 'neptune',
        'cluster-AURORA000000000000000001': 'rds',
        'cluster-NOENGINE0000000000000001': 'rds',
      });
      expect(rows.filter((x) => x.requirement === 'graphs').map((x) => x.resource_id)).toEqual([
        'cluster-NEPTUNE00000000000000001',
      ]);
    } finally {
      store.close();
    }
  });
});
