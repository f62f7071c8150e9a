// Runs `ingest dir`: walk the paths, feed every file to the batch loader, report progress.
import type { Store } from '../queries/store.ts';
import { walkPaths } from './dir.ts';
import { BatchLoader, type IngestSummary } from './loader.ts';
import { type Progress, silentProgress } from './progress.ts';

export interface DirIngestResult extends IngestSummary {
  ignored: number;
  /** the signal stopped the walk; what was added before it is loaded */
  interrupted: boolean;
}

export async function ingestDir(
  store: Store,
  paths: string[],
  progress: Progress = silentProgress,
  signal?: AbortSignal,
): Promise<DirIngestResult> {
  const walked = walkPaths(paths);
  progress.start(walked.files.length, 'files');
  const loader = await BatchLoader.create(store, { source: 'dir', onFileDone: () => progress.tick() });
  try {
    let interrupted = false;
    for (const file of walked.files) {
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      await loader.add(file);
    }
    // a stop still commits the files already added: each batch is one transaction
    const summary = await loader.finish();
    return { ...summary, ignored: walked.ignored.length, interrupted };
  } catch (err) {
    loader.abort();
    throw err;
  } finally {
    progress.stop();
  }
}
