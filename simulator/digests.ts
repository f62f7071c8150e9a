// CloudTrail digest files for the simulated trail (reference §6.3): one per account × region × hour,
// listing the log files delivered in that hour with their SHA-256, chained to the previous digest
// and signed with SHA256withRSA. S3 keeps the signature in object metadata; on disk it sits beside
// the digest as `<digest>.sig` (hex), which is where `ingest dir` looks for it.
import { createHash, createSign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isoSeconds } from '../core/time.ts';
import { digestStamp, trailFolder } from './layout.ts';
import { SIMULATOR_KEY_FINGERPRINT, SIMULATOR_PRIVATE_KEY } from './signing-key.ts';

const HOUR = 3_600_000;

interface LogEntry {
  key: string;
  sha256: string;
  oldest: string;
  newest: string;
}

interface Chain {
  previousKey: string | null;
  previousHash: string | null;
  previousSignature: string | null;
}

export class DigestWriter {
  /** account|region -> hour start (ms) -> files delivered in that hour */
  private readonly pending = new Map<string, Map<number, LogEntry[]>>();
  private readonly chains = new Map<string, Chain>();
  private nextHour: number;
  files = 0;

  constructor(
    private readonly out: string,
    private readonly bucket: string,
    private readonly orgId: string,
    private readonly accounts: string[],
    private readonly regions: readonly string[],
    start: number,
    private readonly trailName = 'org-trail',
    private readonly homeRegion = 'us-east-1',
  ) {
    this.nextHour = Math.floor(start / HOUR) * HOUR;
  }

  addLogFile(
    account: string,
    region: string,
    deliveredAt: number,
    key: string,
    body: string,
    oldest: string,
    newest: string,
  ): void {
    const hour = Math.floor(deliveredAt / HOUR) * HOUR;
    const k = `${account}|${region}`;
    let byHour = this.pending.get(k);
    if (!byHour) {
      byHour = new Map();
      this.pending.set(k, byHour);
    }
    const list = byHour.get(hour) ?? [];
    list.push({ key, sha256: createHash('sha256').update(body).digest('hex'), oldest, newest });
    byHour.set(hour, list);
  }

  /** Writes the digests of every hour that ends at or before `until`, for every account and region. */
  flushThrough(until: number): void {
    while (this.nextHour + HOUR <= until) {
      for (const account of this.accounts) {
        for (const region of this.regions) {
          const byHour = this.pending.get(`${account}|${region}`);
          const files = byHour?.get(this.nextHour) ?? [];
          byHour?.delete(this.nextHour);
          this.write(account, region, this.nextHour, files);
        }
      }
      this.nextHour += HOUR;
    }
  }

  /** The last hour that holds any delivered file, so every late file gets its digest. */
  lastPendingHour(): number {
    let last = this.nextHour;
    for (const byHour of this.pending.values()) for (const h of byHour.keys()) last = Math.max(last, h);
    return last;
  }

  private write(account: string, region: string, hour: number, files: LogEntry[]): void {
    const end = hour + HOUR;
    const dir = trailFolder(this.orgId, account, 'CloudTrail-Digest', region, end);
    const key = `${dir}/${account}_CloudTrail-Digest_${region}_${this.trailName}_${this.homeRegion}_${digestStamp(end)}.json.gz`;
    const chainKey = `${account}|${region}`;
    const chain = this.chains.get(chainKey) ?? {
      previousKey: null,
      previousHash: null,
      previousSignature: null,
    };
    const times = files.flatMap((f) => [f.oldest, f.newest]).sort();
    const digest = {
      awsAccountId: account,
      digestStartTime: isoSeconds(hour),
      digestEndTime: isoSeconds(end),
      digestS3Bucket: this.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: SIMULATOR_KEY_FINGERPRINT,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: times.length ? times[times.length - 1] : null,
      oldestEventTime: times.length ? times[0] : null,
      previousDigestS3Bucket: chain.previousKey ? this.bucket : null,
      previousDigestS3Object: chain.previousKey,
      previousDigestHashValue: chain.previousHash,
      previousDigestHashAlgorithm: chain.previousHash ? 'SHA-256' : null,
      previousDigestSignature: chain.previousSignature,
      logFiles: files.map((f) => ({
        s3Bucket: this.bucket,
        s3Object: f.key,
        hashValue: f.sha256,
        hashAlgorithm: 'SHA-256',
        newestEventTime: f.newest,
        oldestEventTime: f.oldest,
      })),
    };
    const body = JSON.stringify(digest);
    const hash = createHash('sha256').update(body).digest('hex');
    const toSign = `${digest.digestEndTime}\n${this.bucket}/${key}\n${hash}\n${chain.previousSignature ?? 'null'}`;
    const signature = createSign('RSA-SHA256').update(toSign).sign(SIMULATOR_PRIVATE_KEY).toString('hex');
    mkdirSync(join(this.out, dir), { recursive: true });
    writeFileSync(join(this.out, key), gzipSync(body));
    writeFileSync(join(this.out, `${key}.sig`), signature);
    this.chains.set(chainKey, { previousKey: key, previousHash: hash, previousSignature: signature });
    this.files++;
  }
}
