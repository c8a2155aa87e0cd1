import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { runDetectionBench } from '../../sim/bench/detection.js';
import { renderDetectionReport } from '../../sim/bench/render.js';

/** Parses a CLI number option; bad input names the option and the fix. */
function numberOption(name: string, value: string, { integer, min }: { integer: boolean; min: number }): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min) {
    const what = integer ? `an integer of at least ${min}` : `a number of at least ${min}`;
    throw new InputError(`--${name} must be ${what}`, [`--${name}: ${JSON.stringify(value)} is not ${what}`]);
  }
  return parsed;
}

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('Benchmarks of the decision engine against what teams use today');

  bench
    .command('detection')
    .option('--json', 'print the report as JSON')
    .option('--seed <n>', 'seed of the simulated world', '1')
    .option('--hours <n>', 'simulated region-hours', '10000')
    .description('Replay simulated region-hours of noisy signals with injected incidents of every kind; compare the engine with Route 53 health checks and a Patroni-like lease')
    .action((options: { json?: boolean; seed: string; hours: string }) => {
      const seed = numberOption('seed', options.seed, { integer: true, min: 0 });
      const regionHours = numberOption('hours', options.hours, { integer: false, min: 1 });
      const report = runDetectionBench({ seed, regionHours });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderDetectionReport(report)}\n`);
    });
}
