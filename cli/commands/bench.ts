import type { Command } from 'commander';
import { InputError } from '../../kernel/errors.js';
import { runDetectionBench } from '../../controller/sim/bench/detection.js';
import { resolveProfiles } from '../../controller/sim/bench/profiles.js';
import { renderDetectionReport } from '../../controller/sim/bench/render.js';
import { renderProbeBench, runProbeBench } from '../../controller/signals/probe-bench.js';

/** Parses a CLI number option; bad input names the option and the fix. */
export function numberOption(name: string, value: string, { integer, min }: { integer: boolean; min: number }): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min) {
    const what = integer ? `an integer of at least ${min}` : `a number of at least ${min}`;
    throw new InputError(`--${name} must be ${what}`, [`--${name}: ${JSON.stringify(value)} is not ${what}`]);
  }
  return parsed;
}

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('Benchmarks of the decision engine and the prober');

  bench
    .command('detection')
    .option('--json', 'print the report as JSON')
    .option('--seed <n>', 'seed of the simulated world', '1')
    .option('--hours <n>', 'simulated region-hours per profile', '10000')
    .option('--profile <name>', 'a profile name, "all", or a profile file (.yaml)', 'default')
    .option('--curve-seeds <n>', 'seeds per blip duration for the blip-tolerance curve (0: skip the curve)', '3')
    .description('Replay simulated region-hours of noisy signals with injected incidents of every kind, under one profile or all; compare the engine with Route 53 health checks and a Patroni-like lease; the blip-tolerance curve; the targets')
    .action((options: { json?: boolean; seed: string; hours: string; profile: string; curveSeeds: string }) => {
      const seed = numberOption('seed', options.seed, { integer: true, min: 0 });
      const regionHours = numberOption('hours', options.hours, { integer: false, min: 1 });
      const curveSeeds = numberOption('curve-seeds', options.curveSeeds, { integer: true, min: 0 });
      const profiles = resolveProfiles(options.profile);
      const reports = profiles.map((profile) => {
        const report = runDetectionBench({ seed, regionHours, profile, curveSeeds });
        if (!options.json) process.stdout.write(`${renderDetectionReport(report)}\n\n`);
        return report;
      });
      if (options.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : { seed, profiles: reports }, null, 2)}\n`);
    });

  bench
    .command('probes')
    .option('--json', 'print the report as JSON')
    .option('--targets <n>', 'loopback targets to probe (at most 10000)', '2000')
    .option('--seconds <n>', 'how long to measure, after a 2 s warm-up (at most 300)', '20')
    .option('--interval <ms>', 'each target is probed once per interval', '1000')
    .option('--timeout <ms>', 'probe timeout', '800')
    .option('--latency-budget <ms>', 'latency budget the p99 is compared with', '500')
    .description('Probe N targets on a loopback server (its own process) at one probe each per interval for a bounded time; print the achieved rate, latency, timeouts, how late probes and deadlines ran, CPU and RSS')
    .action(async (options: { json?: boolean; targets: string; seconds: string; interval: string; timeout: string; latencyBudget: string }) => {
      const targets = numberOption('targets', options.targets, { integer: true, min: 1 });
      const seconds = numberOption('seconds', options.seconds, { integer: true, min: 1 });
      if (targets > 10_000) throw new InputError('--targets must be at most 10000', [`--targets: ${targets} is more than 10000; the benchmark is bounded`]);
      if (seconds > 300) throw new InputError('--seconds must be at most 300', [`--seconds: ${seconds} is more than 300; the benchmark is bounded`]);
      const intervalMs = numberOption('interval', options.interval, { integer: true, min: 10 });
      const timeoutMs = numberOption('timeout', options.timeout, { integer: true, min: 1 });
      if (timeoutMs >= intervalMs) throw new InputError('--timeout must be shorter than --interval', [`--timeout: ${timeoutMs} is not shorter than --interval ${intervalMs}, so probes of one target would overlap`]);
      const latencyBudgetMs = numberOption('latency-budget', options.latencyBudget, { integer: true, min: 1 });
      const report = await runProbeBench({ targets, seconds, intervalMs, timeoutMs, latencyBudgetMs });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderProbeBench(report)}\n`);
    });
}
