import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadConfig, parseConfig } from '../../../controller/config/load.js';
import type { Config } from '../../../controller/config/schema.js';
import type { Assessment, Command, Decision } from '../../../controller/domain/types.js';
import { startLocalDeployment, type LocalDeployment } from '../../../cli/local-deployment.js';
import { createLogger } from '../../../kernel/logging.js';
import { openStateStore } from '../../../controller/store/from-config.js';
import type { StateStore } from '../../../controller/store/state-store.js';
import { CachingResolver } from '../../../sandbox/net/resolver.js';
import { startTraffic, type Traffic } from '../../../sandbox/traffic/generator.js';

export const repoRoot = new URL('../../../', import.meta.url).pathname;
export const baseConfig = (): Config => loadConfig(join(repoRoot, 'examples/sandbox.yaml'));

export interface Harness {
  deployment: LocalDeployment;
  config: Config;
  /** A store client for the test (as an operator would have). */
  store: StateStore;
  decisions: { region: string; decision: Decision; assessment: Assessment }[];
  /** The config, rewritten to the sandbox's ports, as a YAML file the CLI can read. */
  configFile: string;
  dir: string;
  close(): Promise<void>;
}

/** The sandbox and three replicas on free loopback ports, with a quiet logger. */
export async function startHarness(config: Config = baseConfig()): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'fcp-e2e-'));
  const decisions: Harness['decisions'] = [];
  const logger = createLogger({ name: 'e2e', level: process.env.FCP_E2E_LOG ?? 'silent', pretty: false });
  const deployment = await startLocalDeployment(config, {
    dataDir: join(dir, 'store'),
    ephemeralPorts: true,
    logger,
    onDecision: (region, decision, assessment) => {
      if (decision.kind !== 'none' || decisions.at(-1)?.decision.reason !== decision.reason) decisions.push({ region, decision, assessment });
    },
  });
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, YAML.stringify(toYaml(deployment.config)));
  const store = openStateStore(deployment.config, { region: 'us-west-2' });
  return {
    deployment,
    config: deployment.config,
    store,
    decisions,
    configFile,
    dir,
    close: async () => {
      store.close();
      await deployment.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A parsed config back to the file shape (durations in ms are valid input). */
function toYaml(config: Config): unknown {
  const value = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  parseConfig(value); // proves the round trip
  return value;
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function holder(h: Harness) {
  return [...h.deployment.replicas.values()].find((r) => r.replica.status().holder);
}

/** Waits until a replica holds the lease and sees every region healthy. */
export async function steady(h: Harness): Promise<void> {
  await until('a lease holder seeing every region healthy', () => {
    const verdicts = holder(h)?.replica.status().assessment?.verdicts;
    return verdicts !== undefined && Object.values(verdicts).every((v) => v.health === 'healthy');
  });
}

export function clientTraffic(h: Harness, durationMs: number): Traffic {
  const [host, port] = h.deployment.sandbox.endpoints.dns.split(':');
  return startTraffic({
    publicName: h.config.traffic.publicName,
    port: Number(new URL(Object.values(h.deployment.sandbox.endpoints.regions)[0]!.app).port),
    resolver: new CachingResolver({ host: host!, port: Number(port), timeoutMs: 1000 }),
    rate: 10,
    durationMs,
    writeRatio: 0.3,
    timeoutMs: 1000,
  });
}

export async function submit(h: Harness, command: Command) {
  await h.store.commands.submit(command, Date.now());
  await until(`a decision on ${command.id}`, async () => {
    const record = await h.store.commands.get(command.id);
    return record?.status === 'done' || record?.status === 'refused';
  });
  return (await h.store.commands.get(command.id))!;
}

/** Waits until a plan has ended in the journal and the lease holder has settled it (the topology names no active plan). */
export async function planFinished(h: Harness, timeoutMs = 60_000) {
  await until('a finished plan, settled in the topology', async () => (await h.store.journal.listPlans()).some((p) => p.status !== 'running') && !(await h.store.topology.read())?.topology.active, timeoutMs);
  return (await h.store.journal.listPlans()).at(-1)!;
}

/** Runs the CLI as a user would, against the harness's config file (unless `withConfig` is false: commands that read no config). */
export function fcp(h: Pick<Harness, 'configFile'>, args: string[], env: Record<string, string> = {}, withConfig = true): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/fcp.js'), ...args, ...(withConfig ? ['--config', h.configFile] : [])], { env: { ...process.env, FCP_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
