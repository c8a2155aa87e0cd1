import { Argument, Option, type Command } from 'commander';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { loadConfig } from '../../controller/config/load.js';
import { parseDuration } from '../../kernel/duration.js';
import type { Config } from '../../controller/config/schema.js';
import { InputError } from '../../kernel/errors.js';
import { formatDuration } from '../../kernel/time.js';
import { FaultApiClient } from '../../sandbox/faults/client.js';
import type { ActiveFault } from '../../sandbox/faults/registry.js';
import { AWS_SERVICES, FAULT_KINDS } from '../../sandbox/faults/spec.js';
import { CachingResolver } from '../../sandbox/net/resolver.js';
import { startTraffic } from '../../sandbox/traffic/generator.js';
import { startSandbox } from '../../sandbox/up.js';
import { sandboxHost, sandboxLayout } from '../../sandbox/setup/layout.js';
import { sandboxSettings } from '../../sandbox/config-schema.js';

const DEFAULT_CONFIG = 'examples/sandbox.yaml';
const DEFAULT_DATA_DIR = '.data/sandbox';

/** `fcp sandbox ...`: run AWS-in-a-box on loopback, inject faults into it, and send it client traffic. */
export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('Run the local AWS-in-a-box sandbox, inject faults, send client traffic');

  sandbox
    .command('up')
    .description('Start every emulated part on loopback (as the config says) and stay up until SIGINT/SIGTERM')
    .option('--config <file>', 'controller config the sandbox serves', DEFAULT_CONFIG)
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .option('--json', 'print the endpoints as one JSON line first (logs go to stderr)')
    .action(async (options: { config: string; dataDir: string; json?: boolean }) => {
      const config = loadConfig(options.config);
      const log = logger(options.json ? 2 : 1);
      const started = performance.now();
      const running = await startSandbox(config, { dataDir: options.dataDir, logger: log.child({ part: 'sandbox' }) });
      if (options.json) process.stdout.write(`${JSON.stringify(running.endpoints)}\n`);
      else {
        const e = running.endpoints;
        log.info(`sandbox up in ${Math.round(performance.now() - started)}ms — route53 ${e.route53}, rds ${e.rds}${e.cloudwatch ? `, cloudwatch ${e.cloudwatch}` : ''}, dynamodb ${e.dynamodb}, dns ${e.dns}, faults ${e.faults}`);
        log.info(`arc endpoints: ${e.arc.join(' ')}`);
        for (const [region, { app }] of Object.entries(e.regions)) log.info(`${region} app ${app}`);
        log.info(`public name ${e.resources.publicName}; stop with Ctrl-C`);
      }
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      log.info(`${signal}: stopping the sandbox (send it again to exit at once)`);
      const force = () => {
        log.warn('second signal: exiting without a clean shutdown');
        log.flush();
        process.exit(1);
      };
      process.once('SIGINT', force).once('SIGTERM', force);
      await running.stop();
      log.info('sandbox stopped');
      log.flush();
    });

  sandbox
    .command('fault')
    .description('Inject a fault into a running sandbox')
    .addArgument(new Argument('<kind>', 'fault kind (see the list below)').choices(Object.keys(FAULT_KINDS)))
    .option('--region <region>', 'the region the fault hits')
    .option('--vantage <vantage>', 'vantage point cut off from --region (vantage-cut)')
    .addOption(new Option('--service <service>', 'emulated AWS API (api-*)').choices([...AWS_SERVICES]))
    .option('--for <duration>', 'expire after this long, e.g. 30s (default: until cleared)')
    .option('--latency <duration>', 'added latency (app-latency), e.g. 500ms')
    .option('--status <code>', '500 or 503 (app-5xx)', (v) => Number(v))
    .option('--ratio <share>', 'share of requests an app fault hits, e.g. 0.3 (default 1)', (v) => Number(v))
    .option('--endpoint <index>', 'ARC endpoint index 0-4 (arc-endpoint-down)', (v) => Number(v))
    .option('--faults <url>', 'fault API URL (default: from --config)')
    .option('--config <file>', 'config of the running sandbox', DEFAULT_CONFIG)
    .addHelpText('after', `\nKinds:\n${Object.entries(FAULT_KINDS).map(([k, d]) => `  ${k.padEnd(18)} ${d}`).join('\n')}`)
    .action(async (kind: string, options: Record<string, string | number | undefined>) => {
      const fields = ['region', 'vantage', 'service', 'for', 'latency', 'status', 'ratio', 'endpoint'] as const;
      const request: Record<string, unknown> = { kind };
      for (const field of fields) if (options[field] !== undefined) request[field] = options[field];
      const fault = await faultClient(options).add(request);
      process.stdout.write(`fault ${fault.id} active: ${describeFault(fault)}\n`);
    });

  const faults = sandbox
    .command('faults')
    .description('List the active faults of a running sandbox (or `clear` them)')
    .option('--json', 'print them as JSON')
    .option('--faults <url>', 'fault API URL (default: from --config)')
    .option('--config <file>', 'config of the running sandbox', DEFAULT_CONFIG)
    .action(async (options: { json?: boolean; faults?: string; config: string }) => {
      const active = await faultClient(options).list();
      if (options.json) process.stdout.write(`${JSON.stringify(active)}\n`);
      else if (active.length === 0) process.stdout.write('no active faults\n');
      else for (const fault of active) process.stdout.write(`${fault.id}  ${describeFault(fault)}\n`);
    });
  faults
    .command('clear')
    .argument('[id]', 'clear only this fault')
    .description('Clear every active fault, or one by id (takes the --faults / --config of `faults`)')
    .action(async (id: string | undefined, _options: unknown, command: Command) => {
      // `--faults` and `--config` belong to `faults`; commander accepts them before or after `clear`.
      const client = faultClient(command.optsWithGlobals());
      if (id !== undefined) {
        await client.remove(id);
        process.stdout.write(`cleared fault ${id}\n`);
        return;
      }
      const cleared = await client.clear();
      process.stdout.write(`cleared ${cleared} fault${cleared === 1 ? '' : 's'}\n`);
    });

  sandbox
    .command('stats')
    .description("Print a running sandbox's call counts, replication, routing controls and DB writer (JSON)")
    .option('--faults <url>', 'fault API URL (default: from --config)')
    .option('--config <file>', 'config of the running sandbox', DEFAULT_CONFIG)
    .action(async (options: { faults?: string; config: string }) => {
      process.stdout.write(`${JSON.stringify(await faultClient(options).stats(), null, 2)}\n`);
    });

  sandbox
    .command('traffic')
    .description('Send client traffic to the public name (through the sandbox DNS) and report outages')
    .option('--rate <n>', 'requests per second', (v) => positive(v, '--rate'), 20)
    .option('--for <duration>', 'how long to run', '30s')
    .option('--write-ratio <r>', 'share of writes, 0-1', (v) => ratio(v), 0.3)
    .option('--timeout <duration>', 'per-request timeout', '1s')
    .option('--json', 'print { timeline, summary } as JSON at the end')
    .option('--config <file>', 'config of the running sandbox', DEFAULT_CONFIG)
    .action(async (options: { rate: number; for: string; writeRatio: number; timeout: string; json?: boolean; config: string }) => {
      const config = loadConfig(options.config);
      const dnsPort = sandboxSettings(config).dnsPort;
      if (dnsPort === 0) throw new InputError('the config does not say where the sandbox DNS listens', ['sandbox.dnsPort: set the port `fcp sandbox up` serves DNS on']);
      const apps = Object.values(sandboxLayout(config).apps);
      const timeoutMs = durationOption(options.timeout, '--timeout');
      const traffic = startTraffic({
        publicName: config.traffic.publicName,
        port: apps[0]?.port ?? 0,
        resolver: new CachingResolver({ host: sandboxHost(config), port: dnsPort, timeoutMs }),
        rate: options.rate,
        durationMs: durationOption(options.for, '--for'),
        writeRatio: options.writeRatio,
        timeoutMs,
      });
      let printed = 0;
      const progress = setInterval(() => {
        if (options.json) return;
        const seconds = traffic.timeline();
        // The current second is still filling; print the finished ones.
        for (; printed < seconds.length - 1; printed++) process.stdout.write(`${formatSecond(seconds[printed])}\n`);
      }, 250);
      const onSignal = () => void traffic.stop();
      process.once('SIGINT', onSignal);
      const summary = await traffic.done;
      clearInterval(progress);
      process.off('SIGINT', onSignal);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ timeline: traffic.timeline(), summary })}\n`);
        return;
      }
      for (const second of traffic.timeline().slice(printed)) process.stdout.write(`${formatSecond(second)}\n`);
      const regions = Object.entries(summary.regions).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
      process.stdout.write(
        `${summary.requests} requests: ${summary.ok} ok, ${summary.failed} failed; outage ${summary.outageSeconds}s with failures, ` +
          `client outage ${formatDuration(summary.clientOutageMs)}; served by ${regions}\n`,
      );
      if (summary.failed > 0) process.stdout.write(`failures: ${Object.entries(summary.causes).map(([c, n]) => `${c} ×${n}`).join(', ')}\n`);
    });
}

function logger(fd: 1 | 2): Logger {
  const stream = (fd === 1 ? process.stdout : process.stderr).isTTY ? pretty({ destination: fd, colorize: true, ignore: 'pid,hostname' }) : pino.destination(fd);
  return pino({ base: undefined }, stream);
}

function faultClient(options: { faults?: unknown; config?: unknown }): FaultApiClient {
  if (typeof options.faults === 'string') return new FaultApiClient(options.faults);
  const config: Config = loadConfig(String(options.config ?? DEFAULT_CONFIG));
  const port = sandboxSettings(config).faultsPort;
  if (port === 0) throw new InputError('the config does not say where the fault API listens', ['--faults: pass the URL `fcp sandbox up` printed, or set sandbox.faultsPort']);
  return new FaultApiClient(`http://${sandboxHost(config)}:${port}`);
}

function describeFault(fault: ActiveFault): string {
  const { id: _id, kind, startedAt: _startedAt, expiresAt: _expiresAt, remainingMs, for: _for, ...fields } = fault;
  const details = Object.entries(fields).map(([key, value]) => `${key}=${String(value)}`).join(' ');
  const remaining = remainingMs === undefined ? 'until cleared' : `${formatDuration(remainingMs)} left`;
  return `${kind}${details ? ` ${details}` : ''} (${remaining})`;
}

function formatSecond(second: { second: number; ok: number; failed: number; regions: Record<string, number> } | undefined): string {
  if (!second) return '';
  const regions = Object.entries(second.regions).map(([r, n]) => `${r}=${n}`).join(' ');
  return `t+${String(second.second).padStart(3)}s  ok ${String(second.ok).padStart(3)}  failed ${String(second.failed).padStart(3)}  ${regions}`;
}

function durationOption(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new InputError(`${flag} is not a duration`, [`${flag}: "${text}" is not a duration; write it like "500ms", "30s" or "2m"`]);
  return ms;
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1000) throw new InputError(`${flag} must be a number from 1 to 1000`, [`${flag}: "${text}" is not a rate from 1 to 1000 requests per second`]);
  return value;
}

function ratio(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new InputError('--write-ratio must be between 0 and 1', [`--write-ratio: "${text}" is not between 0 and 1`]);
  return value;
}
