// Runs `ingest dir`: walk the paths, feed every file to the batch loader, report progress, and account
// for every file found: loaded, already known, duplicate, rejected with a reason, or skipped by a rule.

import { type Progress, silentProgress } from '../core/progress.ts';
import type { Store } from '../queries/store.ts';
import { countFiles, type WalkOptions, walkFiles } from './dir.ts';
import { BatchLoader, type IngestSummary, type InputFile } from './loader.ts';
import { SKIP_RULES, type SkipRule } from './outcomes.ts';

export interface DirIngestResult extends IngestSummary {
  /** every file found under the roots (zip members counted one by one), each with one outcome */
  found: number;
  /** files the walk left out, by the summary's name for the rule, with their locations */
  skippedFiles: Record<string, string[]>;
  /** found but given no outcome: non-zero only when the run was interrupted */
  unaccounted: number;
  /** the signal stopped the walk; what was added before it is loaded */
  interrupted: boolean;
}

export type DirOptions = WalkOptions;

export async function ingestDir(
  store: Store,
  paths: string[],
  progress: Progress = silentProgress,
  signal?: AbortSignal,
  options: DirOptions = {},
): Promise<DirIngestResult> {
  // files are read as the walk reaches them; a drawn bar's total comes from a walk of its own
  // (2.5 s for 207,619 files), not from a list of every file held through the ingest
  const walked = walkFiles(paths, options);
  progress.start(progress.shown ? countFiles(paths, options) : 0, 'files');
  const loader = await BatchLoader.create(store, {
    source: 'dir',
    maxFileBytes: options.maxFileBytes,
    onFileDone: () => progress.tick(),
    onEvents: (n) => progress.events?.(n),
  });
  // which signed files were read in this run, and which of them asked for their signature (digests do)
  const read = new Set<string>();
  let found = 0;
  const signatureUsed = new Set<string>();
  try {
    let interrupted = false;
    // not for-of: leaving that loop would close the walk, and a stopped run still counts the rest
    for (let next = walked.files.next(); !next.done; next = walked.files.next()) {
      found++;
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      const file = next.value;
      if (file.signature && !loader.isKnown(file.location, file.size, file.etag)) read.add(file.location);
      await loader.add(withSignatureNoted(file, signatureUsed));
    }
    // a stop still commits the files already added: each batch is one transaction. The rest of the
    // walk is only counted, so the summary can say how many files were not read.
    const summary = await loader.finish();
    if (interrupted) for (let next = walked.files.next(); !next.done; next = walked.files.next()) found++;
    const byRule = new Map<string, string[]>();
    for (const s of walked.skipped) {
      let rule: SkipRule = s.rule;
      const target = walked.signed.get(s.location);
      if (rule === 'signature' && target && read.has(target) && !signatureUsed.has(target)) {
        rule = 'unused_signature';
      }
      const list = byRule.get(SKIP_RULES[rule]);
      if (list) list.push(s.location);
      else byRule.set(SKIP_RULES[rule], [s.location]);
    }
    const skippedFiles = Object.fromEntries(byRule);
    const skippedByRule = { ...summary.skippedByRule };
    for (const [label, locations] of Object.entries(skippedFiles)) {
      skippedByRule[label] = (skippedByRule[label] ?? 0) + locations.length;
    }
    const outcomes =
      summary.loaded +
      summary.skipped +
      summary.duplicateFiles +
      summary.rejectedFiles +
      summary.digests +
      Object.values(skippedByRule).reduce((a, b) => a + b, 0);
    return {
      ...summary,
      skippedByRule,
      found: found + walked.skipped.length,
      skippedFiles,
      unaccounted: found + walked.skipped.length - outcomes,
      interrupted,
    };
  } catch (err) {
    loader.abort();
    throw err;
  } finally {
    progress.stop();
  }
}

function withSignatureNoted(file: InputFile, used: Set<string>): InputFile {
  const signature = file.signature;
  if (!signature) return file;
  return {
    ...file,
    // read may live on the file's prototype (dir.ts's FoundFile), which a spread leaves out
    read: () => file.read(),
    signature: () => {
      used.add(file.location);
      return signature();
    },
  };
}
