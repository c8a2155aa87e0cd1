import type { Command } from 'commander';
import { loadScenario } from '../../controller/sim/scenario.js';
import { simulate } from '../../controller/sim/simulator.js';
import { renderTimeline } from '../../controller/sim/timeline.js';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .argument('<scenario>', 'failure scenario (YAML), e.g. examples/scenarios/regional-outage.yaml')
    .option('--json', 'print the result as JSON')
    .option('--dense', 'step the engine at every probe interval instead of skipping quiet stretches')
    .description('Replay a failure scenario through the decision engine on a virtual clock and print what it decided, when and why')
    .action((file: string, options: { json?: boolean; dense?: boolean }) => {
      const scenario = loadScenario(file);
      const result = simulate(scenario, { mode: options.dense ? 'dense' : 'skip' });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const header = [
        `scenario ${scenario.name}: ${scenario.description}`.trim(),
        `seed ${scenario.seed}, ${result.durationMs / 1000}s simulated, noise ${scenario.noiseName}, ${result.steps} engine steps in ${result.episodes} stretch${result.episodes === 1 ? '' : 'es'} (${result.mode})`,
        `failovers: ${result.flips.length === 0 ? 'none' : result.flips.map((f) => `${f.from} -> ${f.to}`).join(', ')}`,
      ];
      process.stdout.write(`${header.join('\n')}\n\n${renderTimeline(result.timeline)}\n`);
    });
}
