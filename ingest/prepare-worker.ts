// A prepare worker: gunzip, hash, check and normalise input files off the main thread, so the main
// thread only feeds DuckDB. Messages in: a batch of PrepareTask; out: one batch of PrepareReply, one
// reply per task in the batch's order (a message per file costs more than a small file's work).
import { parentPort } from 'node:worker_threads';
import { type FastMode, type Prepared, prepareFile } from './prepare-file.ts';

export interface PrepareTask {
  id: number;
  bytes: Uint8Array;
  digestByPath: boolean;
  maxBytes: number;
  fast: FastMode;
}

export type PrepareReply = { id: number; prepared: Prepared } | { id: number; error: string };

export type PrepareMessage = PrepareReply[] | { ready: true };

// the thread is up and its modules loaded: the pool hands out no work before this
parentPort?.postMessage({ ready: true });

async function run(task: PrepareTask): Promise<PrepareReply> {
  try {
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    const prepared = await prepareFile(bytes, 0, task.digestByPath, {
      maxBytes: task.maxBytes,
      fastTag: task.fast !== 'off' ? task.id : undefined,
      typed: task.fast === 'typed',
    });
    return { id: task.id, prepared };
  } catch (err) {
    // the loader names it as it names any file it cannot read
    return { id: task.id, error: (err as Error).message };
  }
}

const utf8 = new TextEncoder();

parentPort?.on('message', async (batch: PrepareTask[]) => {
  const replies: PrepareReply[] = [];
  const moved: ArrayBuffer[] = [];
  for (const task of batch) {
    const reply = await run(task);
    // a file's lines leave as bytes of their own, moved rather than copied: the main thread writes
    // them to the spool as they are, and its heap never holds them
    if ('prepared' in reply && reply.prepared.kind === 'fast') {
      const rows = reply.prepared.rows;
      // a typed file's line is bytes already, in an array of its own
      if (typeof rows.lines === 'string') rows.lines = utf8.encode(rows.lines);
      moved.push(rows.lines.buffer as ArrayBuffer);
    }
    replies.push(reply);
  }
  parentPort!.postMessage(replies satisfies PrepareMessage, moved);
});
