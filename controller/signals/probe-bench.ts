import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { formatDuration, type Millis } from '../../kernel/time.js';
import { FcpError } from '../../kernel/errors.js';
import { HttpProber } from './http-prober.js';
import type { ProberStatsSnapshot } from './prober-stats.js';

/**
 * `fcp bench probes`: the prober against N targets on a loopback HTTP server at one probe per
 * target per interval, for a bounded time. The server and the prober each run in their own process,
 * so what is measured (CPU, memory, latency, timeouts, how late probes were sent and deadlines
 * fired) is the prober's alone.
 * Traffic goes to 127.0.0.1 only; the run stops by itself.
 */

export interface ProbeBenchOptions {
  targets: number;
  seconds: number;
  intervalMs: Millis;
  timeoutMs: Millis;
  latencyBudgetMs: Millis;
}

export interface ProbeBenchReport extends ProberStatsSnapshot {
  targets: number;
  seconds: number;
  intervalMs: Millis;
  timeoutMs: Millis;
  latencyBudgetMs: Millis;
  /** Probes per second asked for and completed. */
  rate: { wanted: number; achieved: number };
  eventLoopDelayMs: { p99: number; max: number };
  /** Prober CPU over the measured time, as a share of one core (100 = one core busy). */
  cpuPercentOfOneCore: number;
  rssMaxMb: number;
}

/** The loopback health server, as a script for its own Node process: answers 200 "ok", keeps connections alive, prints its port. */
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }); res.end('ok'); });
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), Number(process.env.FCP_BENCH_SERVER_LIFETIME_MS)).unref();
`;

/** Starts the loopback server; it exits by itself after `lifetimeMs` even if this process dies. */
async function startServer(lifetimeMs: Millis): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, FCP_BENCH_SERVER_LIFETIME_MS: String(lifetimeMs) } });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new FcpError(`the loopback server exited before listening (code ${code})`)));
  });
  return { port, child };
}

/** Runs the measurement in its own process (probe-bench-worker.ts), so its CPU and memory are the prober's alone. */
function measureInWorker(options: ProbeBenchOptions, port: number): Promise<ProbeBenchReport> {
  const worker = fileURLToPath(new URL('./probe-bench-worker.ts', import.meta.url));
  const child = fork(worker, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<ProbeBenchReport>((resolve, reject) => {
    child.once('message', (report: ProbeBenchReport) => resolve(report));
    child.once('exit', (code) => reject(new FcpError(`the probe benchmark's prober exited without a report (code ${code})`)));
    child.send({ options, port });
  }).finally(() => child.kill());
}

export async function runProbeBench(options: ProbeBenchOptions): Promise<ProbeBenchReport> {
  const { port, child } = await startServer(options.seconds * 1000 + 60_000);
  try {
    return await measureInWorker(options, port);
  } finally {
    child.kill();
  }
}

/** Warm-up before measuring: connections opened, the schedule settled. */
const WARM_UP_MS = 2000;
const sleep = (ms: Millis) => new Promise((resolve) => setTimeout(resolve, ms));

/** The measurement itself, in the prober's process: probe the loopback server's targets and report. */
export async function measureProbes(options: ProbeBenchOptions, port: number): Promise<ProbeBenchReport> {
  const targets = Array.from({ length: options.targets }, (_, i) => ({ region: 'loopback', service: `target-${i}`, url: `http://127.0.0.1:${port}/health/${i}` }));
  const prober = new HttpProber({ vantage: 'bench', targets, timeout: options.timeoutMs, interval: options.intervalMs, latencyBudget: options.latencyBudgetMs });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let rssMax = 0;
  const memory = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
    // What the replica's tick would do: take what completed.
    void prober.read();
  }, 250);
  try {
    prober.start();
    await sleep(WARM_UP_MS);
    prober.stats.reset();
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    await sleep(options.seconds * 1000);
    const elapsed = performance.now() - began;
    const cpu = process.cpuUsage(cpuBefore);
    loop.disable();
    const stats = prober.stats.snapshot();
    return {
      targets: options.targets,
      seconds: options.seconds,
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      latencyBudgetMs: options.latencyBudgetMs,
      rate: { wanted: Math.round((options.targets * 1000) / options.intervalMs), achieved: Math.round((stats.completed * 1000) / elapsed) },
      ...stats,
      eventLoopDelayMs: { p99: Math.round(loop.percentile(99) / 1e6), max: Math.round(loop.max / 1e6) },
      cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / elapsed) * 100),
      rssMaxMb: Math.round(rssMax / (1024 * 1024)),
    };
  } finally {
    clearInterval(memory);
    await prober.close();
  }
}

const ms = (value: number | null) => (value === null ? '-' : formatDuration(value));

export function renderProbeBench(report: ProbeBenchReport): string {
  const { outcomes } = report;
  return [
    `probe benchmark: ${report.targets} loopback targets, one probe each every ${formatDuration(report.intervalMs)}, timeout ${formatDuration(report.timeoutMs)}, measured for ${report.seconds}s`,
    `  rate          ${report.rate.achieved}/s achieved of ${report.rate.wanted}/s`,
    `  latency       p50 ${ms(report.latencyMs.p50)}, p99 ${ms(report.latencyMs.p99)}, max ${ms(report.latencyMs.max)} (budget ${formatDuration(report.latencyBudgetMs)})`,
    `  outcomes      ${outcomes.ok} ok, ${outcomes.fail} failed, ${outcomes.timeout} timeouts, ${outcomes.unknown} unknown (the prober starved)`,
    `  saturation    sent late p99 ${ms(report.sentLateMs.p99)} (max ${ms(report.sentLateMs.max)}); deadlines late p99 ${ms(report.deadlineLateMs.p99)}; event-loop delay p99 ${report.eventLoopDelayMs.p99}ms (max ${report.eventLoopDelayMs.max}ms)`,
    `  resources     ${report.cpuPercentOfOneCore}% of one core, RSS ${report.rssMaxMb} MB at most`,
  ].join('\n');
}
