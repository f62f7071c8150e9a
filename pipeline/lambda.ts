// AWS Lambda entry point for scheduled runs, invoked by EventBridge Scheduler or an EventBridge rule.
// Lambda keeps nothing between invocations but /tmp, so the database (run history, cursors, the
// ingested events) lives in S3: downloaded before the run, uploaded after it, even a failed one.
//
// Environment:
//   COPYTRAIL_CONFIG        the config file: a path in the deployment package, or s3://bucket/key
//   COPYTRAIL_STATE         s3://bucket/key of the database file (absent: a fresh database each time)
//   COPYTRAIL_DB            local database path (default /tmp/copytrail.duckdb)
//   COPYTRAIL_ENDPOINT_URL  S3-compatible endpoint for state, config, sources and delivery (testing)
// Event: { "schedule": "name", "at"?: ISO time } from the target's input; an EventBridge scheduled
// event's `time` is used as `at`. With one schedule in the config, `schedule` may be left out.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { loadConfig } from '../core/config.ts';
import { instantMs } from '../core/time.ts';
import { makeS3Client } from '../ingest/s3.ts';
import { putFile } from './deliver.ts';
import type { RunOutcome } from './run-record.ts';
import { runSchedule } from './schedule.ts';
import { latestFire } from './schedule-time.ts';

export interface ScheduleEvent {
  schedule?: string;
  at?: string;
  /** set by EventBridge on scheduled events */
  time?: string;
  detail?: { schedule?: string; at?: string };
}

export interface LambdaContext {
  getRemainingTimeInMillis?(): number;
}

export class LambdaRunError extends Error {
  override name = 'LambdaRunError';
}

function parseS3Uri(uri: string, what: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new LambdaRunError(`${what}: '${uri}' is not an s3://bucket/key address`);
  return { bucket: m[1]!, key: m[2]! };
}

async function download(client: S3Client, uri: string, to: string, what: string): Promise<boolean> {
  const { bucket, key } = parseS3Uri(uri, what);
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, await res.Body!.transformToByteArray());
    return true;
  } catch (err) {
    if (
      err instanceof S3ServiceException &&
      (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)
    ) {
      return false;
    }
    throw new LambdaRunError(`${what}: cannot read ${uri}: ${(err as Error).message}`, { cause: err });
  }
}

/** Stop a run this long before Lambda's own timeout, so it is recorded and the state uploaded. */
const STOP_MARGIN_MS = 90_000;

export async function handler(event: ScheduleEvent = {}, context: LambdaContext = {}): Promise<RunOutcome> {
  const configRef = process.env.COPYTRAIL_CONFIG;
  if (!configRef)
    throw new LambdaRunError('COPYTRAIL_CONFIG is not set (a packaged path or s3://bucket/key)');
  const endpointUrl = process.env.COPYTRAIL_ENDPOINT_URL || undefined;
  const dbPath = process.env.COPYTRAIL_DB ?? '/tmp/copytrail.duckdb';
  const state = process.env.COPYTRAIL_STATE;
  const client = makeS3Client({ endpointUrl });
  try {
    let configFile = configRef;
    if (configRef.startsWith('s3://')) {
      configFile = join(dirname(dbPath), 'copytrail-config.yaml');
      if (!(await download(client, configRef, configFile, 'COPYTRAIL_CONFIG'))) {
        throw new LambdaRunError(`COPYTRAIL_CONFIG: ${configRef} does not exist`);
      }
    }
    const config = loadConfig(configFile);
    const name =
      event.schedule ??
      event.detail?.schedule ??
      (config.schedules.length === 1 ? config.schedules[0]!.name : undefined);
    if (!name) {
      throw new LambdaRunError(
        `the event names no schedule and the config has ${config.schedules.length}: send {"schedule": "<name>"}`,
      );
    }
    const schedule = config.schedules.find((s) => s.name === name);
    if (!schedule) throw new LambdaRunError(`no schedule named '${name}' in ${configRef}`);
    const atText = event.at ?? event.detail?.at ?? event.time;
    const atMs = atText === undefined ? Date.now() : instantMs(String(atText));
    if (atMs === null) throw new LambdaRunError(`the event's time '${atText}' is not an ISO 8601 time`);
    const at = new Date(atMs);
    const scheduledFor = latestFire(schedule, at);
    if (!scheduledFor) throw new LambdaRunError(`${name}: no scheduled time before ${at.toISOString()}`);

    // a stale local copy from a warm container must not win over the state in S3
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
    if (state) await download(client, state, dbPath, 'COPYTRAIL_STATE');

    const abort = new AbortController();
    const remaining = context.getRemainingTimeInMillis?.();
    const timer =
      remaining !== undefined
        ? setTimeout(() => abort.abort(), Math.max(0, remaining - STOP_MARGIN_MS))
        : undefined;
    let outcome: RunOutcome;
    try {
      outcome = await runSchedule({
        dbPath,
        config,
        schedule,
        trigger: 'lambda',
        scheduledFor,
        signal: abort.signal,
        endpointUrl,
        spoolDir: join(dirname(dbPath), 'copytrail-spool'),
        log: (line) => console.log(line),
      });
    } finally {
      clearTimeout(timer);
    }
    if (state && existsSync(dbPath)) {
      const { bucket, key } = parseS3Uri(state, 'COPYTRAIL_STATE');
      await putFile(client, bucket, key, dbPath);
    }
    // a failed run is an error to Lambda, so its retry and failure destinations apply
    if (outcome.status === 'failed')
      throw new LambdaRunError(`run ${outcome.runId} of ${name} failed: ${outcome.error}`);
    return outcome;
  } finally {
    client.destroy();
  }
}
