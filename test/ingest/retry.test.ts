// Retrying: transient failures are tried again up to the limit with full-jitter waits, permanent
// ones are not, an interrupt ends a wait at once, and the API sources' throttle loop still works.
import { describe, expect, it } from 'vitest';
import {
  fullJitter,
  Interrupted,
  isThrottle,
  isTransient,
  retryTransient,
  sleepUnlessAborted,
  withThrottleRetry,
} from '../../ingest/retry.ts';

const policy = { attempts: 4, backoffBaseMs: 0, backoffMaxMs: 0 };
const transient = (err: unknown) => (err as Error).message === 'flaky';

describe('retryTransient', () => {
  it('tries a transient failure again until it succeeds', async () => {
    let calls = 0;
    const got = await retryTransient(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Error('flaky');
        return attempt;
      },
      transient,
      policy,
    );
    expect(got).toBe(3);
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const run = retryTransient(
      async () => {
        calls++;
        throw new Error('flaky');
      },
      transient,
      policy,
    );
    await expect(run).rejects.toThrow('flaky');
    expect(calls).toBe(policy.attempts);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    const run = retryTransient(
      async () => {
        calls++;
        throw new Error('AccessDenied');
      },
      transient,
      policy,
    );
    await expect(run).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });

  it('ends a backoff wait at once on an interrupt', async () => {
    const abort = new AbortController();
    // an hour-long wait: only the interrupt can end this test in time
    const long = { attempts: 2, backoffBaseMs: 3_600_000, backoffMaxMs: 3_600_000, random: () => 0.99 };
    let calls = 0;
    const run = retryTransient(
      async () => {
        calls++;
        // after this try has failed and its wait has begun
        setImmediate(() => abort.abort());
        throw new Error('flaky');
      },
      transient,
      long,
      abort.signal,
    );
    await expect(run).rejects.toBeInstanceOf(Interrupted);
    expect(calls).toBe(1);
  });
});

describe('fullJitter', () => {
  it('waits uniformly up to a cap that doubles per retry and stops at the maximum', () => {
    const p = { attempts: 6, backoffBaseMs: 100, backoffMaxMs: 1_000 };
    expect(fullJitter(1, { ...p, random: () => 0.5 })).toBe(50);
    expect(fullJitter(3, { ...p, random: () => 0.5 })).toBe(200);
    expect(fullJitter(10, { ...p, random: () => 0.999 })).toBe(999);
    expect(fullJitter(2, { ...p, random: () => 0 })).toBe(0);
  });
});

describe('sleepUnlessAborted', () => {
  it('rejects at once when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(sleepUnlessAborted(3_600_000, abort.signal)).rejects.toBeInstanceOf(Interrupted);
  });
});

describe('withThrottleRetry (API sources)', () => {
  it('retries throttling, 5xx and dropped connections with full-jitter waits, and never a 4xx answer', async () => {
    expect(isThrottle(Object.assign(new Error('x'), { name: 'SlowDown' }))).toBe(true);
    expect(isThrottle(Object.assign(new Error('x'), { name: 'AccessDenied' }))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 502 } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 403 } }))).toBe(false);
    const waits: number[] = [];
    let calls = 0;
    let throttled = 0;
    const failures = [
      Object.assign(new Error('slow'), { name: 'ThrottlingException' }),
      Object.assign(new Error('busy'), { $metadata: { httpStatusCode: 503 } }),
    ];
    const got = await withThrottleRetry(
      async () => {
        const f = failures[calls++];
        if (f) throw f;
        return 'ok';
      },
      async (ms) => {
        waits.push(ms);
      },
      () => throttled++,
      8,
      () => 0.5,
    );
    expect(got).toBe('ok');
    expect(throttled).toBe(1);
    // half of a window that starts at 1 s and doubles
    expect(waits).toEqual([500, 1000]);

    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    let tries = 0;
    await expect(
      withThrottleRetry(
        async () => {
          tries++;
          throw denied;
        },
        async () => {},
        () => {},
      ),
    ).rejects.toBe(denied);
    expect(tries).toBe(1);
  });
});
