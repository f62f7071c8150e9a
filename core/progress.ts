// Progress for long work: a bar on a terminal with files and events done, the event rate and an ETA,
// per source; nothing when stderr is not a terminal (piped, CI) or COPYTRAIL_QUIET is set (--quiet).
import cliProgress from 'cli-progress';

export interface Progress {
  /** A bar is drawn: a total that costs work of its own (a count of the files first) is worth it. */
  readonly shown?: boolean;
  start(total: number, unit: string): void;
  /** `n` more units (files, objects, pages) done, whatever their outcome */
  tick(n?: number): void;
  /** `n` more events stored (committed): the rate counts only what a crash would keep */
  events?(n: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, events() {}, stop() {} };

/** True when a bar may be drawn: stderr is a terminal and nobody asked for quiet. */
export function progressWanted(env: NodeJS.ProcessEnv = process.env, tty = process.stderr.isTTY): boolean {
  return Boolean(tty) && !env.COPYTRAIL_QUIET;
}

export function terminalProgress(label: string): Progress {
  if (!progressWanted()) return silentProgress;
  let bar: cliProgress.SingleBar | null = null;
  let events = 0;
  let started = 0;
  const payload = () => {
    const seconds = (Date.now() - started) / 1000;
    return {
      events: events.toLocaleString('en-US'),
      rate: seconds > 0 ? Math.round(events / seconds).toLocaleString('en-US') : '0',
    };
  };
  return {
    shown: true,
    start(total, unit) {
      started = Date.now();
      bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {events} events, {rate}/s | {duration_formatted} elapsed, eta {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          // the ETA follows the recent pace, not the start's (listing and warm-up are slower)
          etaBuffer: 200,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, payload());
    },
    tick(n = 1) {
      bar?.increment(n, payload());
    },
    events(n) {
      events += n;
      bar?.update(payload());
    },
    stop() {
      bar?.stop();
    },
  };
}
