import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command as Cli } from 'commander';
import { loadConfig } from '../../controller/config/load.js';
import { runDrill } from '../drill/drill.js';
import { renderDrill } from '../drill/report.js';
import { loadDrillScenario, shippedScenarios } from '../drill/scenario.js';
import { BOUNDARIES, pick, renderMatrixRow, runMatrix, WAYS, type Way } from '../drill/matrix.js';
import { startLocalDeployment } from '../local-deployment.js';
import { createLogger } from '../../kernel/logging.js';
import { StartView } from '../start-view.js';
import { DEFAULT_CONFIG } from '../context.js';
import { untilSignal } from '../signals.js';

/**
 * Commands that compose the controller with the sandbox on this machine: `start` and `drill`.
 * The CLI loads this module only when one of them (or help) is asked for (cli/main.ts).
 */
export function registerStartCommand(program: Cli): void {
  program
    .command('start')
    .description('The embedded default: the sandbox plus one controller replica per region, until Ctrl-C')
    .option('-c, --config <file>', 'sandbox + controller config', DEFAULT_CONFIG)
    .option('--data-dir <dir>', 'where the embedded store keeps its data', '.data/start')
    .option('--keep-data', 'keep the store from the last run (by default each start begins clean, like the sandbox world)')
    .action(async (options: { config: string; dataDir: string; keepData?: boolean }) => {
      const config = loadConfig(options.config);
      if (!options.keepData) await rm(options.dataDir, { recursive: true, force: true });
      // On a terminal: a compact view, the full structured log in a file. Otherwise: JSON logs on stdout only.
      const tty = Boolean(process.stdout.isTTY);
      const logFile = join(options.dataDir, 'fcp.log');
      const logger = tty ? createLogger({ name: 'fcp', file: logFile }) : createLogger({ name: 'fcp', pretty: false });
      let view: StartView | undefined;
      const deployment = await startLocalDeployment(config, {
        dataDir: options.dataDir,
        ephemeralPorts: false,
        logger,
        sandboxLogger: logger.child({ part: 'sandbox' }, { level: 'warn' }),
        onDecision: (region, decision) => view?.onDecision(region, decision),
        onExecutorEvent: (region, event) => view?.onExecutorEvent(region, event),
      });
      const regions = deployment.config.regions.map((r) => r.name);
      const cfg = options.config === DEFAULT_CONFIG ? '' : ` --config ${options.config}`;
      const dashboards = Object.fromEntries(deployment.apiUrls);
      const tryThese = {
        status: `node bin/fcp.js status${cfg}`,
        'break it': `node bin/fcp.js sandbox fault region-down --region ${regions[0]} --for 60s${cfg}`,
        'client view': `node bin/fcp.js sandbox traffic --for 30s${cfg}`,
        'game day': `node bin/fcp.js switchover --to ${regions[1]} --reason "game day"${cfg}`,
        faults: `node bin/fcp.js sandbox faults${cfg}    (clear: node bin/fcp.js sandbox faults clear)`,
      };
      const demoTokens = deployment.config.api.tokens.length > 0 && options.config === DEFAULT_CONFIG;
      if (tty) {
        const banner = [
          '',
          `Sandbox up on loopback; controller replicas running in ${regions.join(', ')} (primary ${regions[0]}).`,
          ...Object.entries(dashboards).map(([region, url]) => `  dashboard (${region}): ${url}/`),
          ...(demoTokens ? ['  dashboard tokens (sandbox only): viewer-demo, operator-demo, approver-demo, approver2-demo'] : []),
          ...Object.entries(tryThese).map(([what, command]) => `  ${`${what}:`.padEnd(14)} ${command}`),
          `  full log:      ${logFile}`,
          'Press Enter to see this again; Ctrl-C stops everything.',
          '',
          '',
        ].join('\n');
        view = new StartView(banner, `dashboards: ${Object.values(dashboards).join(' ')} (Enter: commands; full log ${logFile})`, (text) => process.stdout.write(text));
        view.start(process.stdin);
        deployment.sandbox.faults.onChange(() => view?.onFaults(deployment.sandbox.faults.list()));
      } else {
        logger.info({ dashboards, ...(demoTokens && { demoTokens: ['viewer-demo', 'operator-demo', 'approver-demo', 'approver2-demo'] }), try: tryThese }, `sandbox up; controller replicas running in ${regions.join(', ')}`);
      }
      await untilSignal();
      view?.stop();
      process.stdin.pause();
      logger.info('stopping replicas and the sandbox');
      await deployment.stop();
    });
}

export function registerDrillCommand(program: Cli): void {
  program
    .command('drill')
    .description('Game day on this machine: a fresh sandbox and replicas, client traffic, a fault schedule, a report of what was expected and what happened; exits 0 only if the expectation held')
    .option('-c, --config <file>', 'sandbox + controller config', DEFAULT_CONFIG)
    .option('--scenario <name|file>', `a scenario file, or a shipped one: ${shippedScenarios().join(', ')}`, 'region-outage')
    .option('--json', 'print one JSON object on stdout (logs go to stderr)')
    .option('--matrix', 'run the fault matrix instead: lease loss at every step boundary, every way (a few minutes per cell)')
    .option('--boundaries <list>', `with --matrix: the step boundaries (${BOUNDARIES.join(',')})`)
    .option('--ways <list>', `with --matrix: the ways the holder loses the lease (${Object.keys(WAYS).join(',')})`)
    .action(async (options: { config: string; scenario: string; json?: boolean; matrix?: boolean; boundaries?: string; ways?: string }) => {
      const config = loadConfig(options.config);
      if (options.matrix) {
        const boundaries = pick('boundaries', options.boundaries, BOUNDARIES);
        const ways = pick('ways', options.ways, Object.keys(WAYS) as Way[]);
        const logger = createLogger({ name: 'fcp', level: 'warn', pretty: false, destination: process.stderr });
        const cells = await runMatrix(config, logger, boundaries, ways, (cell) => {
          if (!options.json) process.stdout.write(`${renderMatrixRow(cell)}\n`);
        });
        const failed = cells.filter((c) => !c.report.ok);
        if (options.json) process.stdout.write(`${JSON.stringify({ cells: cells.map((c) => ({ boundary: c.boundary, way: c.way, ...c.report })), failed: failed.length })}\n`);
        else process.stdout.write(`\n${cells.length - failed.length}/${cells.length} cells as expected\n`);
        if (failed.length > 0) process.exitCode = 1;
        return;
      }
      // Validated before anything starts: a bad scenario changes nothing.
      const scenario = loadDrillScenario(options.scenario, config);
      const logger = createLogger({ name: 'fcp', level: options.json ? 'warn' : 'info', ...(options.json && { pretty: false, destination: process.stderr }) });
      const report = await runDrill({ scenario, config, logger });
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${renderDrill(report)}\n`);
      if (!report.ok) process.exitCode = 1;
    });
}
