// The prepare workers: as many threads as the machine has cores (COPYTRAIL_WORKERS overrides; 0 means
// prepare on the main thread). A worker that dies takes no file with it: its tasks are prepared on
// the main thread instead, so a thread's failure never reads as a file's fault. Files go to a worker
// in batches (those handed over in the same turn of the event loop, up to BATCH_FILES files and
// BATCH_BYTES bytes a message): one message per tiny file cost more than preparing it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type FastMode, type Prepared, prepareFile } from './prepare-file.ts';
import type { PrepareMessage, PrepareTask } from './prepare-worker.ts';

export function workerCount(): number {
  const env = process.env.COPYTRAIL_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 0) return n;
  }
  return availableParallelism();
}

/**
 * How trail files are normalised. COPYTRAIL_FAST_NORMALISE=0 sends every file through the SQL
 * normaliser; =records keeps the JS normaliser to one line per record (ingest/normalise.ts) instead of
 * taking a file whole where it can (ingest/typed-trail.ts). The tests compare the three on the same
 * files, and it is the way back should they ever disagree.
 */
export function fastNormalise(): FastMode {
  const env = process.env.COPYTRAIL_FAST_NORMALISE;
  return env === '0' ? 'off' : env === 'records' ? 'records' : 'typed';
}

/**
 * Work prepared on the main thread before the workers are started: a small ingest (a scheduled run
 * with a few new files, an API page, a test) is done before a worker would have loaded its modules,
 * a second or so of compiling each. Past either bound the workers start, in the background, and
 * take over once loaded.
 */
export const WARMUP_FILES = 32;
export const WARMUP_BYTES = 8 * 1024 * 1024;

/**
 * A worker's young generation, where V8 puts new objects (48 MB by default). A worker's objects live
 * for one file; its heap at the default was 46 to 56 MB with 10 to 33 MB used, and 20 to 31 MB at
 * 12 MB, the ingest as fast (1M dense: 24.8 and 22.8 s against 25.8 and 23.5 s).
 */
export const WORKER_YOUNG_GENERATION_MB = 12;

/** Most files in one message to a worker. */
export const BATCH_FILES = 8;
/** Most bytes in one message: a big file goes alone, so the other workers are not left idle. */
export const BATCH_BYTES = 64 * 1024;

interface Pending {
  task: PrepareTask;
  resolve: (p: Prepared) => void;
  reject: (e: Error) => void;
  worker: Worker;
}

export class PreparePool {
  private readonly workers: Worker[] = [];
  private readonly load = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** tasks handed over in this turn, sent when it ends */
  private outbox: Omit<Pending, 'worker'>[] = [];
  private flushing = false;
  private started: Promise<void> | null = null;
  /** the workers have loaded (or died): files go to them from now on */
  private live = false;
  private seenFiles = 0;
  private seenBytes = 0;

  constructor(readonly size: number = workerCount()) {}

  /**
   * Starts the workers and waits until each has loaded its modules (or died). Until then files are
   * prepared on the main thread, so a worker's start-up, a second or so of compiling, holds up no file.
   */
  ready(): Promise<void> {
    this.started ??= Promise.all(
      Array.from({ length: this.size }, () => {
        const worker = new Worker(new URL('./prepare-worker.mjs', import.meta.url), {
          resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        });
        return new Promise<void>((up) => {
          // held while it starts or has work, so the process waits for it; idle, it never keeps a process alive
          worker.once('message', () => {
            worker.unref();
            up();
          });
          worker.once('error', () => up());
          worker.once('exit', () => up());
          this.adopt(worker);
        });
      }),
    ).then(() => {
      this.live = true;
    });
    return this.started;
  }

  private adopt(worker: Worker): void {
    worker.on('message', (message: PrepareMessage) => {
      if (!Array.isArray(message)) return;
      for (const reply of message) {
        const p = this.pending.get(reply.id);
        if (!p) continue;
        this.pending.delete(reply.id);
        this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
        if ('error' in reply) p.reject(new Error(reply.error));
        else p.resolve(reply.prepared);
      }
    });
    const fail = () => this.workerFailed(worker);
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0 || this.pending.size > 0) fail();
    });
    this.workers.push(worker);
    this.load.set(worker, 0);
  }

  /** A dead worker's tasks are prepared here instead; the others carry on. */
  private workerFailed(worker: Worker): void {
    if (!this.workers.includes(worker)) return;
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      prepareHere(p.task).then(p.resolve, p.reject);
    }
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /**
   * Prepares one file's bytes on a worker. The bytes are copied, not moved: a worker that dies leaves
   * its files to be prepared here, from the bytes still held.
   */
  async prepare(bytes: Buffer, digestByPath: boolean, maxBytes: number): Promise<Prepared> {
    this.seenFiles += 1;
    this.seenBytes += bytes.byteLength;
    if (this.size > 0 && (this.seenFiles > WARMUP_FILES || this.seenBytes > WARMUP_BYTES)) void this.ready();
    const task: PrepareTask = { id: this.nextId++, bytes, digestByPath, maxBytes, fast: fastNormalise() };
    if (!this.live || this.workers.length === 0) return prepareHere(task);
    return new Promise<Prepared>((resolve, reject) => {
      this.outbox.push({ task, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends this turn's tasks in batches, each to the least busy worker. */
  private flush(): void {
    this.flushing = false;
    const tasks = this.outbox;
    this.outbox = [];
    if (this.workers.length === 0) {
      for (const p of tasks) prepareHere(p.task).then(p.resolve, p.reject);
      return;
    }
    let batch: Omit<Pending, 'worker'>[] = [];
    let bytes = 0;
    const send = () => {
      if (batch.length === 0) return;
      let worker = this.workers[0]!;
      for (const w of this.workers) if (this.load.get(w)! < this.load.get(worker)!) worker = w;
      this.load.set(worker, this.load.get(worker)! + batch.length);
      worker.ref();
      for (const p of batch) this.pending.set(p.task.id, { ...p, worker });
      worker.postMessage(batch.map((p) => p.task));
      batch = [];
      bytes = 0;
    };
    for (const p of tasks) {
      if (
        batch.length >= BATCH_FILES ||
        (batch.length > 0 && bytes + p.task.bytes.byteLength > BATCH_BYTES)
      ) {
        send();
      }
      batch.push(p);
      bytes += p.task.bytes.byteLength;
    }
    send();
  }

  /** Workers started (loaded or still loading). */
  get startedWorkers(): number {
    return this.workers.length;
  }

  close(): void {
    for (const w of this.workers.splice(0)) void w.terminate();
  }
}

function prepareHere(task: PrepareTask): Promise<Prepared> {
  const bytes = Buffer.isBuffer(task.bytes)
    ? task.bytes
    : Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  return prepareFile(bytes, 0, task.digestByPath, {
    maxBytes: task.maxBytes,
    fastTag: task.fast !== 'off' ? task.id : undefined,
    typed: task.fast === 'typed',
  });
}
