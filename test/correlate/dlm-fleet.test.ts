// Acceptance: a Data Lifecycle Manager run copying 40 snapshots cross-region within two minutes under
// one destination key (simulator/scenarios/dlm-fleet.ts), simulated, ingested and correlated by the
// real executable, then read back through `lineage --all --format json`. Every copy is found with
// evidence of its own; no event is attached to two copies; the key reads that name no resource fit
// all 40 and are counted on each, listed on none; an instance's later attach of a fleet volume is
// nobody's evidence.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageRecord } from '../../correlate/lineage.ts';
import { simulate } from '../../simulator/simulate.ts';
import { BIN } from '../helpers.ts';

const FLEET = 40;

function copytrail(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`copytrail ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The parts of a CloudTrail record the checks read. */
interface Rec {
  eventID: string;
  eventName: string;
  eventSource: string;
  resources?: { ARN?: string }[];
  userIdentity?: { arn?: string };
  requestParameters?: {
    volumeId?: string;
    granteePrincipal?: string;
    encryptionContext?: Record<string, string>;
    constraints?: { encryptionContextSubset?: Record<string, string> };
  } | null;
}

/** Every record the simulator wrote, once per eventID (some are delivered twice). */
function trailRecords(dir: string): Rec[] {
  const byId = new Map<string, Rec>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.json.gz') && !p.includes('CloudTrail-Digest')) {
        for (const r of JSON.parse(gunzipSync(readFileSync(p)).toString()).Records as Rec[])
          byId.set(r.eventID, r);
      }
    }
  };
  walk(dir);
  return [...byId.values()];
}

describe('a 40-copy DLM fleet under one key', () => {
  let dir: string;
  let all: LineageRecord[];
  let fleet: LineageRecord[];
  let records: Rec[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'copytrail-dlm-'));
    const trail = join(dir, 'trail');
    simulate({ out: trail, events: 3000, days: 2, seed: 40, digests: false, dlmFleet: FLEET });
    const db = join(dir, 'fleet.duckdb');
    copytrail(['--db', db, 'ingest', 'dir', trail]);
    copytrail(['--db', db, 'correlate']);
    all = JSON.parse(copytrail(['--db', db, 'lineage', '--all', '--format', 'json']));
    fleet = all.filter(
      (c) =>
        c.api === 'CopySnapshot' && (c.principal_arn ?? '').includes('/AWSDataLifecycleManagerDefaultRole/'),
    );
    records = trailRecords(trail);
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds all 40 copies, each a DLM copy with certain evidence of its own on both sides', () => {
    expect(fleet).toHaveLength(FLEET);
    expect(new Set(fleet.map((c) => c.target.key_arn)).size).toBe(1);
    for (const c of fleet) {
      expect(c.mechanism).toBe('dlm');
      const certain = c.evidence.filter((e) => e.certainty === 'certain');
      expect(
        certain.some((e) => e.side === 'target' && e.match === 'encryption_context'),
        c.copy_id,
      ).toBe(true);
      expect(
        certain.some((e) => e.side === 'source' && e.match === 'source_context'),
        c.copy_id,
      ).toBe(true);
    }
  });

  it("attaches no event of the fleet's copies to any other copy", () => {
    const owners = new Map<string, string[]>();
    for (const c of all) {
      for (const e of c.evidence) owners.set(e.event_id, [...(owners.get(e.event_id) ?? []), c.copy_id]);
    }
    const fleetEvents = fleet.flatMap((c) => c.evidence.map((e) => e.event_id));
    expect(fleetEvents.length).toBeGreaterThanOrEqual(3 * FLEET);
    const shared = fleetEvents.filter((id) => owners.get(id)!.length > 1);
    expect(shared).toEqual([]);
  });

  it('attaches no event to more than one copy anywhere in the output (RDS copies of one instance share its context, each record still goes to one)', () => {
    const owners = new Map<string, Set<string>>();
    for (const c of all) {
      for (const e of c.evidence)
        owners.set(e.event_id, (owners.get(e.event_id) ?? new Set()).add(c.copy_id));
    }
    expect(all.some((c) => c.api === 'CopyDBSnapshot')).toBe(true);
    const shared = [...owners].filter(([, copies]) => copies.size > 1).map(([id]) => id);
    expect(shared).toEqual([]);
  });

  it('the key reads that name no resource fit every copy of the run: counted on each, listed on none', () => {
    const key = fleet[0]!.target.key_arn;
    const contextFree = records.filter(
      (r) =>
        r.eventSource === 'kms.amazonaws.com' &&
        ['Decrypt', 'GenerateDataKey'].includes(r.eventName) &&
        r.resources?.[0]?.ARN === key &&
        !r.requestParameters?.encryptionContext,
    );
    expect(contextFree.length).toBe(6);
    const listed = new Set(all.flatMap((c) => c.evidence.map((e) => e.event_id)));
    for (const r of contextFree) expect(listed.has(r.eventID), r.eventID).toBe(false);
    for (const c of fleet) {
      expect(c.evidence_counts.unattributed, c.copy_id).toBe(contextFree.length);
      expect(c.evidence.some((e) => e.match.startsWith('key_time_window'))).toBe(false);
    }
  });

  it("an instance's attach of a fleet volume hours later is nobody's evidence", () => {
    const fleetVolumes = new Set(
      records
        .filter(
          (r) =>
            r.eventName === 'CreateSnapshot' &&
            (r.userIdentity?.arn ?? '').includes('/AWSDataLifecycleManagerDefaultRole/'),
        )
        .map((r) => r.requestParameters?.volumeId),
    );
    expect(fleetVolumes.size).toBe(FLEET);
    const context = (r: Rec) =>
      r.requestParameters?.encryptionContext?.['aws:ebs:id'] ??
      r.requestParameters?.constraints?.encryptionContextSubset?.['aws:ebs:id'];
    const attach = records.filter(
      (r) =>
        r.eventSource === 'kms.amazonaws.com' &&
        fleetVolumes.has(context(r)) &&
        `${r.userIdentity?.arn ?? ''} ${r.requestParameters?.granteePrincipal ?? ''}`.includes(
          'assumed-role/aws:ec2-infrastructure/i-',
        ),
    );
    expect(attach.map((r) => r.eventName).sort()).toEqual(['CreateGrant', 'Decrypt']);
    const listed = new Set(all.flatMap((c) => c.evidence.map((e) => e.event_id)));
    for (const r of attach) expect(listed.has(r.eventID), r.eventName).toBe(false);
  });
});
