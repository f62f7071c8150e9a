// Bounded concurrency: results as they complete, never more than the limit under way, no new work
// after a stop, and a gate that lets in one holder per place, in arrival order.
import { describe, expect, it } from 'vitest';
import { Gate, mapPool, mapUnordered } from '../../ingest/pool.ts';

/** A promise the test settles by hand, so order is decided by the test, not by timers. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('mapUnordered', () => {
  it('yields in completion order, with at most `limit` started and not yet taken', async () => {
    const gates = [0, 1, 2, 3].map(() => deferred<void>());
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const it = mapUnordered([0, 1, 2, 3], 2, async (n) => {
      started.push(n);
      running++;
      most = Math.max(most, running);
      await gates[n]!.promise;
      running--;
      return n;
    });
    const first = it.next();
    // item 0 hangs; item 1 finishes first and is yielded first
    gates[1]!.resolve();
    expect((await first).value).toBe(1);
    gates[2]!.resolve();
    expect((await it.next()).value).toBe(2);
    gates[0]!.resolve();
    gates[3]!.resolve();
    const rest = [(await it.next()).value, (await it.next()).value];
    expect(rest.sort()).toEqual([0, 3]);
    expect((await it.next()).done).toBe(true);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('starts nothing new once stopped, and still returns the work already under way', async () => {
    let stop = false;
    const started: number[] = [];
    const out: number[] = [];
    for await (const n of mapUnordered(
      [0, 1, 2, 3, 4, 5],
      2,
      async (n) => {
        started.push(n);
        return n;
      },
      () => stop,
    )) {
      out.push(n);
      if (n === 1) stop = true;
    }
    expect(started).toEqual([0, 1, 2]);
    expect(out).toEqual([0, 1, 2]);
  });

  it('keeps input order in mapPool', async () => {
    const gates = [0, 1, 2].map(() => deferred<void>());
    const all = mapPool([0, 1, 2], 3, async (n) => {
      await gates[n]!.promise;
      return n * 10;
    });
    gates[2]!.resolve();
    gates[0]!.resolve();
    gates[1]!.resolve();
    expect(await all).toEqual([0, 10, 20]);
  });
});

describe('Gate', () => {
  it('lets in `size` holders at once and the next waiter when one leaves', async () => {
    const gate = new Gate(1);
    const first = deferred<void>();
    const order: string[] = [];
    const a = gate.run(async () => {
      order.push('a in');
      await first.promise;
      order.push('a out');
    });
    const b = gate.run(async () => {
      order.push('b in');
    });
    await Promise.resolve();
    expect(order).toEqual(['a in']);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
  });

  it('frees its place when the holder throws', async () => {
    const gate = new Gate(1);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
