// `copytrail simulate`: write a fake organization's trail to a folder, for demos, tests and benchmarks.
import type { Command } from 'commander';
import { info, isQuiet, UsageError } from '../core/cli-kit.ts';
import { simulate } from './simulate.ts';

export function parseCount(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(value.trim());
  if (!m) throw new UsageError(`expected a count like 50000, 50k or 10M, not '${value}'`);
  const mult = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]!]!;
  return Math.round(Number(m[1]) * mult);
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'write simulated CloudTrail logs of a fake AWS organization in the organization-trail S3 layout',
    )
    .requiredOption('--out <dir>', 'folder to write AWSLogs/… into')
    .option('--events <n>', 'approximate number of records (50k, 1M, 10M …)', '50k')
    .option('--days <n>', 'days of activity', '7')
    .option('--start <date>', 'first day (UTC)', '2026-03-01')
    .option('--seed <n>', 'random seed; the same seed writes the same files', '42')
    .option(
      '--volume-copies',
      'also write EBS volume copies, RAM shares of volumes and associated snapshot keys',
    )
    .option('--dlm-fleet <n>', 'also write a DLM run copying this many snapshots within two minutes', '0')
    .action(
      (opts: {
        out: string;
        events: string;
        days: string;
        start: string;
        seed: string;
        volumeCopies?: boolean;
        dlmFleet: string;
      }) => {
        const days = Number(opts.days);
        const seed = Number(opts.seed);
        if (!Number.isInteger(days) || days < 1)
          throw new UsageError(`--days must be a whole number ≥ 1, not '${opts.days}'`);
        if (!Number.isInteger(seed))
          throw new UsageError(`--seed must be a whole number, not '${opts.seed}'`);
        const dlmFleet = Number(opts.dlmFleet);
        if (!Number.isInteger(dlmFleet) || dlmFleet < 0 || dlmFleet > 1000)
          throw new UsageError(`--dlm-fleet must be a whole number from 0 to 1000, not '${opts.dlmFleet}'`);
        const events = parseCount(opts.events);
        const t0 = Date.now();
        const showProgress = process.stderr.isTTY && !isQuiet();
        let lastPrint = 0;
        const r = simulate({
          out: opts.out,
          events,
          days,
          seed,
          start: opts.start,
          volumeCopies: opts.volumeCopies ?? false,
          dlmFleet,
          onProgress: (n, total) => {
            if (showProgress && Date.now() - lastPrint > 500) {
              lastPrint = Date.now();
              process.stderr.write(`\rsimulate: ${n} / ~${total} records`);
            }
          },
        });
        if (showProgress) process.stderr.write('\n');
        info(
          [
            `wrote ${r.records} records in ${r.files} files to ${r.out} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
            `  ${r.accounts.length} accounts, ${r.regions.length} regions, ${r.start.slice(0, 10)} to ${r.end.slice(0, 10)}`,
            `  ${r.delayedRecords} records delivered late, ${r.duplicateDeliveries} delivered twice`,
          ].join('\n'),
        );
      },
    );
}
