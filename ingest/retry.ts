// Waiting and retrying, written once for every source: what counts as throttling, the throttle loop
// the API sources use, and a per-item retry with exponential backoff and full jitter that an
// interrupt cuts short.

export function isThrottle(err: unknown): boolean {
  const name = (err as Error).name;
  return (
    name === 'ThrottlingException' ||
    name === 'Throttling' ||
    name === 'TooManyRequestsException' ||
    name === 'RequestLimitExceeded' ||
    name === 'SlowDown'
  );
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A failure worth another try: throttling, a 5xx answer, a timeout or a dropped connection. A 4xx
 * (denied, bad request, not found) is an answer and is never retried.
 */
export function isTransient(err: unknown): boolean {
  if (isThrottle(err)) return true;
  const e = err as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (e.$retryable) return true;
  return (
    /^(TimeoutError|RequestTimeout|RequestTimeoutException|ServiceUnavailable|InternalError|InternalFailure)$/.test(
      e.name ?? '',
    ) || /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN)$/.test(e.code ?? '')
  );
}

/**
 * Calls `fn`, retrying throttling and other transient failures (after the SDK's own retries) with
 * full-jitter waits, so many callers that were throttled together do not come back in step.
 */
export async function withThrottleRetry<T>(
  fn: () => Promise<T>,
  sleep: (ms: number) => Promise<void>,
  onThrottle: () => void,
  attempts = 8,
  random: () => number = Math.random,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || i >= attempts) throw err;
      if (isThrottle(err)) onThrottle();
      await sleep(fullJitter(i, { attempts, backoffBaseMs: 1_000, backoffMaxMs: 20_000, random }));
    }
  }
}

/** Raised when the caller's signal ends a wait or an attempt: the work was stopped, it did not fail. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** Waits `ms`, or rejects with Interrupted as soon as `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new Interrupted('interrupted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Interrupted('interrupted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface BackoffPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The cap of the first wait; each later cap doubles. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Uniform in [0, 1); tests may pin it. */
  random?: () => number;
}

/**
 * "Full jitter": a uniform wait in [0, min(max, base * 2^(retry-1))]. Spreading retries over the
 * whole window keeps many throttled items from coming back in step; each item waits on its own.
 */
export function fullJitter(retry: number, policy: BackoffPolicy): number {
  const cap = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (retry - 1));
  return Math.floor((policy.random ?? Math.random)() * cap);
}

/**
 * Calls `fn(attempt)` until it succeeds, it throws something `transient` rejects, or the attempts
 * run out (then the last error is thrown). Waits between tries are full-jitter backoff; `signal`
 * ends a wait at once with Interrupted.
 */
export async function retryTransient<T>(
  fn: (attempt: number) => Promise<T>,
  transient: (err: unknown) => boolean,
  policy: BackoffPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      if (signal?.aborted) throw new Interrupted('interrupted', { cause: err });
      if (!transient(err) || attempt >= policy.attempts) throw err;
      await sleepUnlessAborted(fullJitter(attempt, policy), signal);
    }
  }
}
