// Bounded concurrency: results in input order (mapPool), each result as soon as it is ready
// (mapUnordered), so one slow item never holds back the ones behind it, and a gate that bounds
// requests in flight while items waiting to retry hold no place.

/** Runs async work with at most `limit` tasks in flight, keeping results in input order. */
export async function mapPool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Runs `fn` over `items` and yields each result in the order they complete. At most `limit`
 * results are in flight or waiting to be taken: a new item starts only when a result is taken, so
 * a slow consumer bounds memory. No new item starts once `stop()` is true. The generator returns
 * only when every started item has settled; `fn` should not throw (a throw ends the iteration).
 */
export async function* mapUnordered<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
  stop: () => boolean = () => false,
): AsyncGenerator<R> {
  const source = items[Symbol.iterator]();
  const running = new Map<number, Promise<{ id: number; ok: boolean; value?: R; error?: unknown }>>();
  let ids = 0;
  const fill = () => {
    while (running.size < limit && !stop()) {
      const next = source.next();
      if (next.done) return;
      const id = ids++;
      running.set(
        id,
        fn(next.value).then(
          (value) => ({ id, ok: true, value }),
          (error: unknown) => ({ id, ok: false, error }),
        ),
      );
    }
  };
  try {
    fill();
    while (running.size > 0) {
      const done = await Promise.race(running.values());
      running.delete(done.id);
      if (!done.ok) throw done.error;
      yield done.value as R;
      fill();
    }
  } finally {
    // an early exit (throw, break) still waits for the work already started, so nothing outlives the caller
    await Promise.allSettled(running.values());
  }
}

/** At most `size` holders at once; waiters get in in the order they came. */
export class Gate {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
