// Delivery of a scheduled run: one run manifest listing every file with its sha256, then the files
// copied to a folder and/or put under an S3 prefix, the manifest last, so a reader that finds the
// manifest finds everything it lists.

import { createHash } from 'node:crypto';
import {
  copyFileSync,
  createReadStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Schedule } from '../core/config.ts';
import { isoSeconds } from '../core/time.ts';
import { makeS3Client } from '../ingest/s3.ts';
import { type GenerateResult, VERSION } from '../reports/generate.ts';
import type { Period, RunFile, SourceOutcome, Trigger } from './run-record.ts';

export interface RunManifest {
  /** file name of the manifest itself */
  name: string;
  sha256: string;
  files: RunFile[];
}

/** 2026-11-23T06:00:00Z → 20261123T060000Z: sortable, and safe in file names and S3 keys. */
export const stamp = (d: Date): string => isoSeconds(d).replaceAll('-', '').replaceAll(':', '');

export interface ManifestInput {
  runId: number;
  schedule: Schedule;
  trigger: Trigger;
  scheduledFor: Date;
  period: Period;
  sources: SourceOutcome[];
  reports: GenerateResult[];
  status: string;
  renderedAt: Date;
}

/** Writes `<schedule>_<start>_<end>.run.json` into the staging folder, over every file already there. */
export function writeRunManifest(staging: string, input: ManifestInput): RunManifest {
  const files: RunFile[] = readdirSync(staging)
    .sort()
    .map((file) => {
      const data = readFileSync(join(staging, file));
      return { file, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    });
  const name = `${input.schedule.name}_${stamp(input.period.start)}_${stamp(input.period.end)}.run.json`;
  const body = {
    tool: { name: 'copytrail', version: VERSION, node: process.version },
    run_id: input.runId,
    schedule: input.schedule.name,
    cron: input.schedule.cron,
    timezone: input.schedule.timezone,
    trigger: input.trigger,
    scheduled_for: isoSeconds(input.scheduledFor),
    period: { start: isoSeconds(input.period.start), end: isoSeconds(input.period.end) },
    rendered_at: isoSeconds(input.renderedAt),
    status: input.status,
    sources: input.sources,
    reports: input.reports.map((r) => ({
      id: r.id,
      summary: r.model.summary,
      files: r.files.map((f) => f.path.split(/[\\/]/).pop()),
    })),
    files,
  };
  const text = `${JSON.stringify(body, null, 2)}\n`;
  writeFileSync(join(staging, name), text);
  return { name, sha256: createHash('sha256').update(text).digest('hex'), files };
}

/**
 * Puts a local file in S3, streamed; past 8 MiB in parts (multipart upload), so report PDFs and
 * database files of any size go up without being held in memory whole.
 */
export async function putFile(
  client: S3Client,
  bucket: string,
  key: string,
  path: string,
  type = 'application/octet-stream',
): Promise<void> {
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: createReadStream(path), ContentType: type },
    partSize: 8 * 1024 * 1024,
    queueSize: 4,
  });
  await upload.done();
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json',
};

function contentType(file: string): string {
  return CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

export interface Delivered {
  outputs: string[];
  errors: string[];
}

/**
 * Copies the staged files to `<dir>/<schedule>/` (each through a temporary name, then renamed) and
 * puts them under `s3://<bucket>/<prefix><schedule>/`. A failure at one destination is reported and
 * the other still gets the files.
 */
export async function deliverRun(
  staging: string,
  manifest: RunManifest,
  schedule: Schedule,
  endpointUrl?: string,
): Promise<Delivered> {
  const order = [...manifest.files.map((f) => f.file), manifest.name];
  const outputs: string[] = [];
  const errors: string[] = [];
  const target = schedule.deliver;
  if (target.dir) {
    const dir = resolve(target.dir, schedule.name);
    try {
      mkdirSync(dir, { recursive: true });
      for (const file of order) {
        const tmp = join(dir, `.${file}.partial`);
        copyFileSync(join(staging, file), tmp);
        renameSync(tmp, join(dir, file));
        outputs.push(join(dir, file));
      }
    } catch (err) {
      errors.push(`${dir}: ${(err as Error).message}`);
    }
  }
  if (target.s3) {
    const s3 = target.s3;
    const prefix = s3.prefix && !s3.prefix.endsWith('/') ? `${s3.prefix}/` : s3.prefix;
    const client = makeS3Client({ endpointUrl: endpointUrl ?? s3.endpoint_url, region: s3.region });
    try {
      for (const file of order) {
        const key = `${prefix}${schedule.name}/${file}`;
        await putFile(client, s3.bucket, key, join(staging, file), contentType(file));
        outputs.push(`s3://${s3.bucket}/${key}`);
      }
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      errors.push(
        `s3://${s3.bucket}/${prefix}${schedule.name}/: ${e.name}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${e.message}`,
      );
    } finally {
      client.destroy();
    }
  }
  return { outputs, errors };
}
