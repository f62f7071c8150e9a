// Runs `ingest dir`: walk the paths, feed every file to the batch loader, report progress.
import type { Store } from '../queries/store.ts';
import { walkPaths } from './dir.ts';
import { BatchLoader, type IngestSummary } from './loader.ts';
import { type Progress, silentProgress } from './progress.ts';

export interface DirIngestResult extends IngestSummary {
  ignored: number;
}

export async function ingestDir(
  store: Store,
  paths: string[],
  progress: Progress = silentProgress,
): Promise<DirIngestResult> {
  const walked = walkPaths(paths);
  progress.start(walked.files.length, 'files');
  const loader = await BatchLoader.create(store, { source: 'dir', onFileDone: () => progress.tick() });
  try {
    for (const file of walked.files) await loader.add(file);
    const summary = await loader.finish();
    return { ...summary, ignored: walked.ignored.length };
  } catch (err) {
    loader.abort();
    throw err;
  } finally {
    progress.stop();
  }
}
