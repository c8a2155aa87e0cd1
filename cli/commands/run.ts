import type { Command as Cli } from 'commander';
import { loadConfig } from '../../controller/config/load.js';
import { startReplica } from '../../controller/main.js';
import { createLogger } from '../../kernel/logging.js';
import { DEFAULT_CONFIG, resolveRegion } from '../context.js';
import { untilSignal } from '../signals.js';

export function registerRunCommands(program: Cli): void {
  program
    .command('controller')
    .description('Run one controller replica: probe from its region, compete for the lease, decide and act')
    .option('-c, --config <file>', 'controller config (env FCP_CONFIG)', DEFAULT_CONFIG)
    .requiredOption('--region <region>', 'the region this replica runs in')
    .action(async (options: { config: string; region: string }) => {
      const config = loadConfig(options.config);
      const region = resolveRegion(config, options.region);
      const logger = createLogger({ name: 'fcp' });
      const running = startReplica(config, region, { logger });
      const signal = await untilSignal();
      logger.info({ signal }, 'stopping: a running plan stops at its next step boundary and the lease is released');
      await running.stop();
    });
}
