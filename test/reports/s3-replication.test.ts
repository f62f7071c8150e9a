// Reports on S3 replication edges: residency takes every replication destination as a location of
// the data (a destination outside the policy fails, naming the bucket and region), dr_coverage
// judges each replicating bucket, forensics flags a failing replication; bucket names are escaped.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import type { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { deliver } from '../correlate/fixtures.ts';
import {
  A1,
  deleteReplication,
  putReplication,
  roleArn,
  roleSession,
  rule,
  s3Kms,
} from '../correlate/s3-replication-records.ts';
import { memoryStore, tempDir } from '../helpers.ts';

const NOW = new Date('2026-04-01T12:00:00Z');
const EU_ONLY = Config.parse({
  organization: 'EU Org',
  residency: { allowed_jurisdictions: ['EU'] },
  reports: { chromium: process.env.COPYTRAIL_CHROMIUM ?? 'bundled' },
});
const key = (region: string, n: number) =>
  `arn:aws:kms:${region}:${A1}:key/${String(n).repeat(8)}-2222-4222-8222-222222222222`;
// a bucket ARN ends at the first '/', so a hostile name without one
const EVIL = '<img src=x onerror=alert(1)>';

const put = (id: string, bucket: string, dest: string, replica?: string, at = '2026-03-02T09:00:00Z') =>
  putReplication({ id, at, region: 'eu-west-1', bucket, rules: rule({ dest, key: replica }) });
const call = (id: string, name: 'Decrypt' | 'GenerateDataKey', k: string, bucket: string, error?: string) =>
  s3Kms({
    id,
    at: '2026-03-02T10:15:00Z',
    name,
    key: k,
    s3arn: `arn:aws:s3:::${bucket}/obj-${id}`,
    identity: roleSession(roleArn(A1)),
    error,
  });

async function scenario(): Promise<Store> {
  const store = await memoryStore();
  await deliver(store, tempDir(), [
    put('p-orders', 'orders', 'orders-dr', key('eu-central-1', 1)),
    call('o1', 'Decrypt', key('eu-west-1', 2), 'orders'),
    call('o2', 'GenerateDataKey', key('eu-central-1', 1), 'orders-dr'),
    put('p-customers', 'customers', 'customers-us', key('us-east-1', 3)),
    call('c1', 'GenerateDataKey', key('us-east-1', 3), 'customers-us'),
    put('p-audit', 'audit', 'audit-dr', key('eu-central-1', 4)),
    call('a1', 'GenerateDataKey', key('eu-central-1', 4), 'audit-dr', 'AccessDenied'),
    put('p-exports', 'exports', 'exports-copy', key('eu-north-1', 5)),
    deleteReplication({
      id: 'd-exports',
      at: '2026-03-02T12:00:00Z',
      region: 'eu-west-1',
      bucket: 'exports',
    }),
    // outside the policy, so its finding (and the hostile names) are in the page
    put('p-evil', EVIL, `${EVIL}-dr`, key('us-east-1', 6)),
  ]);
  await correlate(store);
  return store;
}

type AnyFinding = { status: string; check: string; resource_arn: string; reason: string };

describe('reports on S3 replication', () => {
  it('residency: a replication into us-east-1 fails an EU-only policy, naming the destination bucket and region', async () => {
    const store = await scenario();
    const out = tempDir();
    const r = await generateReport(store, {
      id: 'residency',
      config: EU_ONLY,
      formats: ['json', 'html'],
      out,
      now: NOW,
    });
    const findings = (r.model.findings as AnyFinding[]).filter((f) => f.check === 'copy_destination');
    const us = findings.find((f) => f.resource_arn === 'arn:aws:s3:::customers-us')!;
    expect(us.status).toBe('fail');
    expect(us.reason).toContain('bucket customers-us in us-east-1');
    expect(us.reason).toContain('outside the allowed jurisdictions');
    // destinations inside the EU pass, whatever the edge's state: the data went there
    for (const bucket of ['orders-dr', 'audit-dr', 'exports-copy']) {
      expect(findings.find((f) => f.resource_arn === `arn:aws:s3:::${bucket}`)?.status).toBe('pass');
    }
    // the failing replication's denied call is no use of its key
    const keys = r.model.keys as { key_arn: string; uses: number }[];
    expect(keys.find((k) => k.key_arn === key('eu-central-1', 4))?.uses).toBe(0);
    expect(keys.find((k) => k.key_arn === key('eu-central-1', 1))?.uses).toBe(1);
    // id break points (<wbr> after - . _ : /) are markup, not text
    const html = readFileSync(r.files.find((f) => f.path.endsWith('.html'))!.path, 'utf8').replaceAll(
      '<wbr>',
      '',
    );
    expect(html).toContain('customers-us');
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;img src');
  });

  it('residency: a replication standing in the window is judged though configured before it; one ended before it is not', async () => {
    const store = await scenario();
    const r = await generateReport(store, {
      id: 'residency',
      config: EU_ONLY,
      formats: ['json'],
      out: tempDir(),
      now: NOW,
      since: '2026-03-05T00:00:00Z',
    });
    const arns = (r.model.findings as AnyFinding[]).map((f) => f.resource_arn);
    expect(arns).toContain('arn:aws:s3:::customers-us');
    expect(arns).not.toContain('arn:aws:s3:::exports-copy');
  });

  it('dr_coverage: an active replication to another region covers its bucket; failing and ended ones are findings', async () => {
    const store = await scenario();
    const r = await generateReport(store, {
      id: 'dr_coverage',
      config: EU_ONLY,
      formats: ['json'],
      out: tempDir(),
      now: NOW,
    });
    const rows = (
      r.model.rows as { requirement: string; resource_id: string; status: string; reason: string }[]
    ).filter((x) => x.requirement === 's3_replication');
    const by = new Map(rows.map((x) => [x.resource_id, x]));
    expect(by.get('orders')).toMatchObject({ status: 'pass' });
    expect(by.get('orders')!.reason).toContain('2 replication call(s)');
    expect(by.get('audit')).toMatchObject({ status: 'fail' });
    expect(by.get('audit')!.reason).toContain('failing');
    expect(by.get('exports')).toMatchObject({ status: 'fail' });
    expect(by.get('exports')!.reason).toContain('ended');
  });

  it('forensics: the failing replication is flagged and its denied call is in the timeline', async () => {
    const store = await scenario();
    const r = await generateReport(store, {
      id: 'forensics',
      config: EU_ONLY,
      formats: ['json'],
      out: tempDir(),
      now: NOW,
      subject: 'audit',
    });
    const findings = r.model.findings as (AnyFinding & { flags: string[] })[];
    expect(findings.some((f) => f.flags.some((x) => x.includes('replication failing')))).toBe(true);
    const timeline = JSON.stringify(r.model);
    expect(timeline).toContain('replication evidence: first call of the hour');
  });
});
