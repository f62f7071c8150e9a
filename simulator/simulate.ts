// Writes a fake organization's CloudTrail as an organization trail would deliver it to S3: gzipped
// {"Records":[…]} files per account × region every ~5 minutes, some late, some delivered twice.
// One hour of records is held in memory at a time, so any --events count streams to disk.
import { createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DigestWriter } from './digests.ts';
import { Ebs } from './ebs.ts';
import { logStamp, trailFolder } from './layout.ts';
import { Noise } from './noise.ts';
import { KeyRing, makePrincipals, ORG_ACCOUNTS, ORG_ID, REGIONS } from './org.ts';
import { Rng } from './random.ts';
import { type CTRecord, RecordFactory } from './records.ts';
import { backupPlanCopy } from './scenarios/backup.ts';
import { airgapVaultCopy, backupCrossAccountJob, createAirgapVault } from './scenarios/backup-airgap.ts';
import { vaultCrossAccount } from './scenarios/cross-account.ts';
import { dlmFleet } from './scenarios/dlm-fleet.ts';
import { amiCopy, ebsNightlyDr, mrkCopy } from './scenarios/ebs-ami.ts';
import {
  associatedKeys,
  csiVolumeClone,
  externalVolumeCopy,
  ramVolumeCopy,
} from './scenarios/ebs-volumes.ts';
import { externalShare, failedCopy } from './scenarios/edge-cases.ts';
import { rdsCrossRegion } from './scenarios/rds.ts';
import { clusterEngineCopy, rdsOneStepCrossAccount } from './scenarios/rds-engines.ts';
import { s3Replication } from './scenarios/s3-replication.ts';
import type { Scene } from './scenarios/scene.ts';
import { serviceCopies } from './scenarios/service-copies.ts';
import { SIMULATOR_PRIVATE_KEY } from './signing-key.ts';

export interface SimulateOptions {
  out: string;
  seed?: number;
  /** Approximate number of records to write (scenario records included). */
  events?: number;
  days?: number;
  /** First day, YYYY-MM-DD (UTC). */
  start?: string;
  /** Write signed CloudTrail-Digest files beside the logs (default true). */
  digests?: boolean;
  /**
   * Fleets: how many independent sets of protected volumes and databases run the daily copy
   * scenarios (default 1). Scales copies without scaling the noise, e.g. for report benchmarks.
   */
  fleets?: number;
  /**
   * Volume copies (CopyVolumes: a CSI driver clone, a RAM share copied by the vault account and one
   * by an outside account) and keys associated with a snapshot. Off unless asked for, so a seed
   * writes what it always wrote; the demo turns it on.
   */
  volumeCopies?: boolean;
  /** A DLM policy's run copying this many snapshots cross-region within two minutes (0: none). */
  dlmFleet?: number;
  /** Bucket name the digests record for their files. */
  bucket?: string;
  onProgress?: (records: number, target: number) => void;
}

export interface SimulateResult {
  out: string;
  files: number;
  records: number;
  duplicateDeliveries: number;
  delayedRecords: number;
  digestFiles: number;
  /** PEM public key that verifies the digests (its fingerprint is the MD5 of its DER form). */
  publicKeyFile: string | null;
  accounts: string[];
  regions: string[];
  start: string;
  end: string;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WINDOW = 5 * MIN;

/** Activity through the day: quiet nights, busy office hours (UTC, the organization is global). */
const DIURNAL = [
  0.4, 0.35, 0.35, 0.35, 0.4, 0.5, 0.7, 0.9, 1.2, 1.4, 1.5, 1.5, 1.4, 1.5, 1.5, 1.4, 1.3, 1.2, 1.0, 0.9, 0.8,
  0.7, 0.55, 0.45,
];
const DIURNAL_SUM = DIURNAL.reduce((a, b) => a + b, 0);

export function simulate(options: SimulateOptions): SimulateResult {
  const seed = options.seed ?? 42;
  const days = options.days ?? 7;
  const target = options.events ?? 50_000;
  const start = Date.parse(`${options.start ?? '2026-03-01'}T00:00:00Z`);
  if (Number.isNaN(start)) throw new Error(`--start must be a date like 2026-03-01, not '${options.start}'`);
  if (!(days >= 1)) throw new Error('--days must be at least 1');
  if (!(target >= 100)) throw new Error('--events must be at least 100');

  const rng = new Rng(seed);
  const f = new RecordFactory(rng);
  const keys = new KeyRing(rng);
  const principals = makePrincipals(rng);
  const orgIds = new Set(ORG_ACCOUNTS.map((a) => a.id));

  let hourEnd = start + HOUR;
  let current: { at: number; rec: CTRecord }[] = [];
  let future: { at: number; rec: CTRecord }[] = [];
  let emitted = 0;
  const emit = (rec: CTRecord) => {
    // only the organization's own trails are written; the external account's are not ours
    if (!orgIds.has(rec.recipientAccountId)) return;
    const at = Date.parse(rec.eventTime);
    (at < hourEnd ? current : future).push({ at, rec });
    emitted++;
  };
  const ebs = new Ebs(rng, f, emit);
  const scene: Scene = { rng, f, keys, p: principals, ebs, emit };
  const noise = new Noise(rng, f, keys, principals, ebs, emit);

  // long-lived resources the daily scenarios snapshot
  const volumes = {
    app: f.volId(),
    data: f.volId(),
    mrk: f.volId(),
    backup: f.volId(),
    exfil: f.volId(),
  };
  const dbi = f.dbiResourceId();
  // further fleets draw their ids after the first, so fleets: 1 writes exactly what it always did
  const fleets = [{ volumes, dbi }];
  for (let i = 1; i < (options.fleets ?? 1); i++) {
    fleets.push({
      volumes: { app: f.volId(), data: f.volId(), mrk: f.volId(), backup: f.volId(), exfil: f.volId() },
      dbi: f.dbiResourceId(),
    });
  }

  // drawn only when asked for, so the other scenarios' ids stay those of the same seed without it
  const dlmVolumes = Array.from({ length: options.dlmFleet ?? 0 }, () => f.volId());
  const keysVolume = options.volumeCopies ? f.volId() : '';
  // each fleet's resources for the cross-account, engine and air-gapped vault scenarios
  const clusterId = () => `cluster-${rng.alnum(26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
  const more = fleets.map(() => ({
    ledger: f.dbiResourceId(),
    docdb: clusterId(),
    neptune: clusterId(),
    crossAccount: f.volId(),
    airgap: f.volId(),
  }));

  const result: SimulateResult = {
    out: options.out,
    files: 0,
    records: 0,
    duplicateDeliveries: 0,
    delayedRecords: 0,
    digestFiles: 0,
    publicKeyFile: null,
    accounts: ORG_ACCOUNTS.map((a) => a.id),
    regions: [],
    start: new Date(start).toISOString(),
    end: new Date(start + days * DAY).toISOString(),
  };
  const regionsSeen = new Set<string>();
  const digests =
    options.digests === false
      ? null
      : new DigestWriter(
          options.out,
          options.bucket ?? 'copytrail-sim-trail',
          ORG_ID,
          result.accounts,
          REGIONS,
          start,
        );
  const madeDirs = new Set<string>();

  const writeFile = (account: string, region: string, deliveredAt: number, records: CTRecord[]) => {
    const folder = trailFolder(ORG_ID, account, 'CloudTrail', region, deliveredAt);
    const dir = join(options.out, folder);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    const name = `${account}_CloudTrail_${region}_${logStamp(deliveredAt)}_${rng.alnum(16)}.json.gz`;
    const body = JSON.stringify({ Records: records });
    writeFileSync(join(dir, name), gzipSync(body));
    if (digests) {
      const times = records.map((r) => r.eventTime).sort();
      digests.addLogFile(account, region, deliveredAt, `${folder}/${name}`, body, times[0]!, times.at(-1)!);
    }
    result.files++;
    result.records += records.length;
    regionsSeen.add(region);
  };

  const deliver = (batch: { at: number; rec: CTRecord }[]) => {
    const files = new Map<string, { account: string; region: string; at: number; records: CTRecord[] }>();
    const put = (account: string, region: string, at: number, rec: CTRecord, tag: string) => {
      const k = `${account}|${region}|${at}|${tag}`;
      let file = files.get(k);
      if (!file) {
        file = { account, region, at, records: [] };
        files.set(k, file);
      }
      file.records.push(rec);
    };
    for (const { at, rec } of batch) {
      const account = rec.recipientAccountId;
      const region = rec.awsRegion;
      const windowEnd = Math.floor(at / WINDOW) * WINDOW + WINDOW;
      const roll = rng.next();
      if (roll < 0.02) {
        // delivered late, sometimes into the next day's folder
        put(account, region, windowEnd + rng.int(1, 30) * HOUR, rec, 'late');
        result.delayedRecords++;
      } else {
        put(account, region, windowEnd + ((account.charCodeAt(5) + region.length) % 5) * MIN, rec, 'on-time');
      }
      if (roll > 0.996) {
        // CloudTrail delivers some records twice; eventID is the same
        put(account, region, windowEnd + rng.int(10, 90) * MIN, rec, 'again');
        result.duplicateDeliveries++;
      }
    }
    for (const file of files.values()) {
      // records inside a delivery file are not ordered
      if (file.records.length > 2 && rng.chance(0.5)) file.records.reverse();
      writeFile(file.account, file.region, file.at, file.records);
    }
  };

  const hours = days * 24;
  for (let h = 0; h < hours; h++) {
    const hourStart = start + h * HOUR;
    hourEnd = hourStart + HOUR;
    if (h % 24 === 0) {
      const day0 = hourStart;
      const d = h / 24;
      fleets.forEach((fleet, i) => {
        const v = fleet.volumes;
        ebsNightlyDr(scene, day0, v.app);
        vaultCrossAccount(scene, day0, v.data);
        rdsCrossRegion(scene, day0, i === 0 ? 'orders' : `orders-${i}`, fleet.dbi);
        backupPlanCopy(scene, day0, v.backup);
        if (d % 2 === 0) mrkCopy(scene, day0, v.mrk);
        if (d % 3 === 1 || days === 1) amiCopy(scene, day0);
        if (d % 2 === 1 || days === 1) failedCopy(scene, day0);
        if (d === Math.min(2, days - 1)) externalShare(scene, day0, v.exfil);
        serviceCopies(scene, day0, d, days, i === 0 ? '' : `-${i}`);
        s3Replication(scene, day0, d, days, i);
        const m = more[i]!;
        rdsOneStepCrossAccount(scene, day0, m.ledger);
        clusterEngineCopy(scene, day0, 'docdb', i === 0 ? 'catalog' : `catalog-${i}`, m.docdb);
        clusterEngineCopy(scene, day0, 'neptune', i === 0 ? 'graph' : `graph-${i}`, m.neptune);
        backupCrossAccountJob(scene, day0, m.crossAccount);
        if (d === 0 && i === 0) createAirgapVault(scene, day0 + HOUR);
        airgapVaultCopy(scene, day0, m.airgap);
      });
      if (options.volumeCopies) {
        csiVolumeClone(scene, day0);
        if (d % 2 === 0) ramVolumeCopy(scene, day0);
        if (d === Math.min(1, days - 1)) associatedKeys(scene, day0, keysVolume);
        if (d === Math.min(3, days - 1)) externalVolumeCopy(scene, day0);
      }
      if (dlmVolumes.length && d === Math.min(1, days - 1)) dlmFleet(scene, day0, dlmVolumes);
      // what the scenarios put into this hour moves from `future`
      const due = future.filter((x) => x.at < hourEnd);
      future = future.filter((x) => x.at >= hourEnd);
      current.push(...due);
    }
    const hoursLeft = hours - h;
    const share = DIURNAL[h % 24]! / (DIURNAL_SUM / 24);
    const quota = Math.max(0, Math.round(((target - emitted) / hoursLeft) * share));
    let made = 0;
    while (made < quota) made += noise.one(hourStart + Math.floor(rng.next() * HOUR));
    // records that fall past this hour (follow-ups of noise near the boundary) wait for their hour
    const late = current.filter((x) => x.at >= hourEnd);
    const now = current.filter((x) => x.at < hourEnd);
    future.push(...late);
    deliver(now);
    current = [];
    const nextEnd = hourEnd + HOUR;
    const due = future.filter((x) => x.at < nextEnd);
    if (due.length > 0) {
      future = future.filter((x) => x.at >= nextEnd);
      current = due;
    }
    // a digest is final once no late file can still land in its hour
    digests?.flushThrough(hourStart - 32 * HOUR);
    options.onProgress?.(result.records, target);
  }
  if (future.length > 0) deliver(future);
  if (digests) {
    digests.flushThrough(digests.lastPendingHour() + HOUR);
    result.digestFiles = digests.files;
    result.publicKeyFile = join(options.out, 'cloudtrail-public-key.pem');
    mkdirSync(options.out, { recursive: true });
    writeFileSync(
      result.publicKeyFile,
      createPublicKey(SIMULATOR_PRIVATE_KEY).export({ type: 'pkcs1', format: 'pem' }),
    );
  }
  result.regions = [...regionsSeen].sort();
  return result;
}
