// Progress for long work: a bar on a terminal, nothing when output is piped or in CI.
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, unit: string): void;
  tick(n?: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

export function terminalProgress(label: string): Progress {
  if (!process.stderr.isTTY || process.env.COPYTRAIL_QUIET) return silentProgress;
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(total, unit) {
      bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted} elapsed, eta {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    tick(n = 1) {
      bar?.increment(n);
    },
    stop() {
      bar?.stop();
    },
  };
}
