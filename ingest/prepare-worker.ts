// A prepare worker: gunzip, hash, check and normalise input files off the main thread, so the main
// thread only feeds DuckDB. Messages in: PrepareTask; out: PrepareReply, in any order, by id.
import { parentPort } from 'node:worker_threads';
import { type Prepared, prepareFile } from './prepare-file.ts';

export interface PrepareTask {
  id: number;
  bytes: Uint8Array;
  digestByPath: boolean;
  maxBytes: number;
  fast: boolean;
}

export type PrepareReply =
  | { id: number; prepared: Prepared }
  | { id: number; error: string }
  | { ready: true };

// the thread is up and its modules loaded: the pool hands out no work before this
parentPort?.postMessage({ ready: true });

parentPort?.on('message', async (task: PrepareTask) => {
  try {
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    const prepared = await prepareFile(bytes, 0, task.digestByPath, {
      maxBytes: task.maxBytes,
      fastTag: task.fast ? task.id : undefined,
    });
    parentPort!.postMessage({ id: task.id, prepared } satisfies PrepareReply);
  } catch (err) {
    // the loader names it as it names any file it cannot read
    parentPort!.postMessage({ id: task.id, error: (err as Error).message } satisfies PrepareReply);
  }
});
