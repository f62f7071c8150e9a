// Crash testing: COPYTRAIL_FAULT=<n>:<signal> makes the process send itself the signal just before
// its n-th store statement, so a test can stop ingest, correlate or a schedule at an exact point
// (inside a batch's transaction, before its commit, during migrations) instead of at a guessed time.
const SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT'] as const;
type FaultSignal = (typeof SIGNALS)[number];

function parse(spec: string | undefined): { at: number; signal: FaultSignal } | null {
  if (!spec) return null;
  const m = /^(\d+):(SIGKILL|SIGTERM|SIGINT)$/.exec(spec);
  if (!m) throw new Error(`COPYTRAIL_FAULT must look like 40:SIGKILL, not '${spec}'`);
  return { at: Number(m[1]), signal: m[2] as FaultSignal };
}

const fault = parse(process.env.COPYTRAIL_FAULT);
let statements = 0;

/** Called before every statement the store runs; a no-op unless COPYTRAIL_FAULT is set. */
export function beforeStatement(): void {
  if (!fault) return;
  statements++;
  if (statements === fault.at) process.kill(process.pid, fault.signal);
}
