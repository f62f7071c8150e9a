// The end-of-run summaries of `ingest`: one outcome per file found, then events; each source adds
// its own lines (listing, regions, the query). Everything that came from input is shown escaped.
import { basename } from 'node:path';
import { terminalSafe } from '../core/cli-kit.ts';
import type { AthenaResult } from './athena.ts';
import type { DirIngestResult } from './ingest-dir.ts';
import type { LakeResult } from './lake.ts';
import type { IngestSummary } from './loader.ts';
import type { LookupResult } from './lookup.ts';
import { SKIP_RULES } from './outcomes.ts';
import type { S3IngestResult } from './s3.ts';

/** Counts by name, largest first, each with up to three example names: "3 malformed JSON (a.json, …)". */
function countList(counts: Record<string, number>, examples: Record<string, string[]> = {}): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, n]) => {
      // a digest's .sig is read with the digest: naming a few of thousands adds nothing
      const quiet = label === SKIP_RULES.signature;
      const names = quiet
        ? []
        : [...new Set((examples[label] ?? []).map((l) => basename(l.replace(/\/$/, ''))))];
      const shown = names.slice(0, 3).map((x) => terminalSafe(x));
      const more = names.length > 3 ? ', …' : '';
      return `${n} ${terminalSafe(label)}${shown.length > 0 ? ` (${shown.join(', ')}${more})` : ''}`;
    })
    .join(', ');
}

type SummaryInput = IngestSummary &
  Partial<Pick<DirIngestResult, 'found' | 'skippedFiles' | 'unaccounted' | 'interrupted'>>;

/**
 * The end-of-run summary: one outcome per file found (loaded, already in the ledger, duplicate,
 * rejected by reason, skipped by rule), then events. Everything from input is shown escaped.
 */
export function formatIngestSummary(s: SummaryInput): string {
  const alreadyLoaded = s.skipped - (s.alreadyRejected ?? 0) - (s.alreadyDuplicate ?? 0);
  const skippedByRule = s.skippedByRule ?? {};
  const skippedTotal = Object.values(skippedByRule).reduce((a, b) => a + b, 0);
  const files = [
    `${s.found ?? s.files} seen`,
    `${s.loaded} loaded`,
    `${alreadyLoaded} already loaded`,
    ...(s.alreadyRejected ? [`${s.alreadyRejected} already rejected`] : []),
    ...(s.alreadyDuplicate ? [`${s.alreadyDuplicate} already duplicate`] : []),
    `${s.duplicateFiles} duplicate content`,
    `${s.rejectedFiles} rejected`,
    `${s.digests} digest`,
    ...(skippedTotal > 0 ? [`${skippedTotal} skipped by rule`] : []),
  ];
  const lines = [`files:   ${files.join(', ')}`];
  if (s.rejectedFiles > 0 && s.rejectedByReason) lines.push(`rejected: ${countList(s.rejectedByReason)}`);
  if (skippedTotal > 0) lines.push(`skipped: ${countList(skippedByRule, s.skippedFiles)}`);
  lines.push(
    `events:  ${s.eventsNew} new, ${s.eventsDuplicate} duplicate, ${s.recordsRejected} records rejected (of ${s.records} records)`,
    `time:    ${s.seconds.toFixed(1)} s${s.seconds > 0 ? ` (${Math.round(s.records / s.seconds)} records/s)` : ''}`,
  );
  if (s.unaccounted) {
    lines.push(
      s.interrupted
        ? `not read: ${s.unaccounted} files found were not read before the run stopped; run again`
        : `unaccounted: ${s.unaccounted} files found have no outcome; this is a copytrail bug, please report it`,
    );
  }
  if (s.rejectedFiles + s.recordsRejected > 0) {
    lines.push(`see the reasons: copytrail query "select location, record_index, reason from rejects"`);
  }
  return terminalSafe(lines.join('\n'), { multiline: true });
}

export function formatS3Summary(r: S3IngestResult): string {
  const lines = [
    `listed:  ${r.units} day folders, ${r.objectsListed} objects${r.interrupted ? ' (interrupted: run again to resume)' : ''}`,
    formatIngestSummary(r),
  ];
  if (r.previouslyRejected + r.previouslyDuplicate > 0) {
    lines.push(
      `earlier: ${r.previouslyRejected} rejected by an earlier run and unchanged, ${r.previouslyDuplicate} duplicate content seen earlier (neither read again)`,
    );
  }
  if (r.retried + r.refetched > 0) {
    lines.push(
      `fetch:   ${r.retried} objects needed more than one try, ${r.refetched} that an earlier run could not fetch were fetched now`,
    );
  }
  const list = (items: string[]) => {
    for (const item of items.slice(0, 10)) lines.push(`  ${item}`);
    if (items.length > 10) lines.push(`  … and ${items.length - 10} more`);
  };
  if (r.listingsFailed.length > 0) {
    lines.push(`could not list ${r.listingsFailed.length} prefix(es); coverage records them as errors:`);
    list(r.listingsFailed.map((f) => `${f.prefix}: ${f.error}`));
  }
  if (r.objectsFailed.length > 0) {
    lines.push(
      `could not fetch ${r.objectsFailed.length} object(s) after every try; their folders' coverage is in error and the next run fetches them again:`,
    );
    list(r.objectsFailed.map((f) => `${f.key}: ${f.error} (${f.attempts} tries)`));
    lines.push(
      `still missing: copytrail query "select location, error from fetch_failures where resolved_at is null"`,
    );
  }
  if (r.notFetched > 0) {
    lines.push(`stopped: ${r.notFetched} objects not fetched; run the same command again to fetch them`);
  }
  return lines.join('\n');
}

/** The lines a stopped run leaves on stderr, so a log shows what was kept even without a terminal. */
export function formatS3Stopped(r: S3IngestResult, signal: string): string {
  const left = r.stoppedWhileListing
    ? 'left to fetch: everything, the day folders were not all listed yet'
    : `left to fetch: ${r.notFetched} objects${r.objectsFailed.length ? `, and ${r.objectsFailed.length} that failed` : ''}`;
  return [
    `copytrail: stopped by ${signal}`,
    `saved: ${r.loaded} files loaded, ${r.eventsNew} new events (committed; the ledger lists each file)`,
    `${left}; run the same command again to fetch the rest`,
  ].join('\n');
}

export function formatLookupSummary(r: LookupResult): string {
  const read = r.units.filter((u) => !u.skipped && !u.error);
  const lines = [
    `regions: ${read.length} account-regions read, ${r.units.filter((u) => u.skipped).length} skipped (not enabled), ${r.units.filter((u) => u.error).length} failed, ${r.units.filter((u) => u.truncated).length} truncated; ${r.throttled} throttled requests retried`,
    formatIngestSummary(r),
  ];
  for (const u of r.units.filter((x) => x.error)) lines.push(`  ${u.account} ${u.region}: ${u.error}`);
  return lines.join('\n');
}

export function formatQuerySummary(r: AthenaResult | LakeResult, id: string): string {
  const lines = [
    `query:   ${id}: ${r.rows} rows in ${r.pages} pages${r.dataScannedBytes !== null ? `, ${(r.dataScannedBytes / 1e6).toFixed(1)} MB scanned` : ''}; ${r.throttled} throttled calls retried; coverage for ${r.coverageUnits} account-regions`,
    formatIngestSummary(r),
  ];
  for (const n of r.notes.slice(0, 10)) lines.push(`  note: ${n}`);
  if (r.notes.length > 10) lines.push(`  … and ${r.notes.length - 10} more notes`);
  return lines.join('\n');
}
