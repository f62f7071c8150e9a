// Waiting and retrying for the API sources: what counts as throttling, and a retry loop for it.

export function isThrottle(err: unknown): boolean {
  const name = (err as Error).name;
  return (
    name === 'ThrottlingException' ||
    name === 'Throttling' ||
    name === 'TooManyRequestsException' ||
    name === 'RequestLimitExceeded'
  );
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Calls `fn`, retrying throttling with doubling waits (the SDK's own retries come first). */
export async function withThrottleRetry<T>(
  fn: () => Promise<T>,
  sleep: (ms: number) => Promise<void>,
  onThrottle: () => void,
  attempts = 8,
): Promise<T> {
  let wait = 500;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isThrottle(err) || i >= attempts) throw err;
      onThrottle();
      await sleep(wait);
      wait = Math.min(wait * 2, 20_000);
    }
  }
}
