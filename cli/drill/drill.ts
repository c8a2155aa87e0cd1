import { configuredPrimary } from '../../controller/domain/decide.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachingResolver } from '../../sandbox/net/resolver.js';
import { startTraffic } from '../../sandbox/traffic/generator.js';
import type { Config } from '../../controller/config/schema.js';
import type { Millis } from '../../kernel/time.js';
import type { Topology } from '../../controller/domain/types.js';
import { FcpError } from '../../kernel/errors.js';
import { startLocalDeployment, type LocalDeployment } from '../local-deployment.js';
import type { Logger } from '../../kernel/logging.js';
import { openStateStore } from '../../controller/store/from-config.js';
import { judge, type DrillReport, type Observed } from './report.js';
import type { DrillFault, DrillScenario } from './scenario.js';
import { rehearseRollout, withDrillToken, type RolloutOutcome } from './rollout.js';
import { rehearsalSettled } from './rollout-report.js';

export interface DrillOptions {
  scenario: DrillScenario;
  config: Config;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Route 53 control-plane calls a flip would make; the data plane (DNS, health checks) is not counted. */
const ROUTE53_CHANGES = ['ChangeResourceRecordSets', 'GetChange'];

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: Millis, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new FcpError(`drill: ${what} did not happen within ${Math.round(timeoutMs / 1000)}s`);
    await sleep(everyMs);
  }
}

const holderOf = (deployment: LocalDeployment) => [...deployment.replicas.values()].find((r) => r.replica.status().holder);

/** The API of the replica holding the lease now (a rehearsed rollout reads the controller there). */
function holderApi(deployment: LocalDeployment): string {
  const holder = holderOf(deployment);
  const url = holder && deployment.apiUrls.get(holder.region);
  if (!url) throw new FcpError('drill: no replica holds the lease (or serves an API) to rehearse the rollout against; the deployment did not settle', { transient: true });
  return url;
}

/** Restarts the other replicas until `region`'s replica holds the lease. */
async function giveLeaseTo(deployment: LocalDeployment, region: string): Promise<void> {
  const others = [...deployment.replicas.keys()].filter((r) => r !== region);
  for (const other of others) await deployment.stopReplica(other);
  await waitFor(`the ${region} replica to hold the lease`, () => holderOf(deployment)?.region === region, 30_000);
  for (const other of others) deployment.startReplica(other);
}

/** The topology as the store holds it at the end (undefined when the store cannot be read). */
async function readTopology(config: Config): Promise<Topology | undefined> {
  const store = openStateStore(config, { region: config.regions[0]!.name });
  try {
    return (await store.topology.read())?.topology;
  } catch {
    return undefined;
  } finally {
    store.close();
  }
}

/**
 * A game day on one machine: a fresh sandbox and replicas, client traffic, then the scenario's
 * fault schedule (and request), watched from the client's and the controller's side, and judged
 * against what the scenario expects.
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const { scenario } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'fcp-drill-'));
  const primary = configuredPrimary(options.config);
  let injectedAt = Number.POSITIVE_INFINITY;
  const seen: Observed = { primary, classifications: new Set(), flips: [], settled: [], planEnds: new Map(), steps: new Map(), reasons: new Set() };
  // A rollout calls the replicas' API as an operator: with a token of the drill's own.
  const drill = scenario.rollout ? withDrillToken(options.config) : { config: options.config, token: '' };
  const timers: NodeJS.Timeout[] = [];
  /** Fires the faults scheduled at a step boundary, once each, synchronously inside the executor's step-end event. */
  let atBoundary: (kind: string) => void = () => undefined;
  const triggered = new Set<DrillFault>();
  let deployment: LocalDeployment | undefined;
  try {
    deployment = await startLocalDeployment(drill.config, {
      dataDir,
      ephemeralPorts: true,
      logger: options.logger,
      sandboxLogger: options.logger.child({ part: 'sandbox' }, { level: 'warn' }),
      onDecision: (_region, decision, assessment) => {
        // Detection and decision are stamped with the tick's own time, so they never appear out of order.
        if (assessment.at < injectedAt) return;
        seen.classifications.add(assessment.classification);
        seen.reasons.add(decision.reason);
        if (seen.detectedAt === undefined && assessment.verdicts[primary]?.health === 'failed') seen.detectedAt = assessment.at;
        if (decision.kind === 'flip') seen.flips.push(decision);
        if (decision.kind === 'plan-finished') seen.settled.push(decision);
      },
      onExecutorEvent: (_region, event) => {
        if (event.type === 'step-end') {
          seen.steps.set(event.planId, [...(seen.steps.get(event.planId) ?? []), { name: event.step.kind, ms: event.ms }]);
          atBoundary(event.step.kind);
        }
        if (event.type === 'plan-end') seen.planEnds.set(event.planId, { at: event.at, ok: event.ok, waitedMs: event.waitedMs, ...(event.error && { error: event.error }) });
      },
    });
    const { sandbox, config } = deployment;
    if (scenario.leaseHolder) await giveLeaseTo(deployment, scenario.leaseHolder);
    await waitFor('a lease holder seeing every region healthy', () => {
      const verdicts = holderOf(deployment!)?.replica.status().assessment?.verdicts;
      return verdicts !== undefined && Object.values(verdicts).every((v) => v.health === 'healthy');
    }, 30_000);

    const [host, port] = sandbox.endpoints.dns.split(':');
    const traffic = startTraffic({
      publicName: config.traffic.publicName,
      port: Number(new URL(Object.values(sandbox.endpoints.regions)[0]!.app).port),
      resolver: new CachingResolver({ host: host!, port: Number(port), timeoutMs: 1000 }),
      rate: scenario.traffic.rate,
      durationMs: scenario.watch + 60_000,
      writeRatio: 0.3,
      timeoutMs: 1000,
    });
    await sleep(3000);
    const route53Before = sandbox.stats().calls.route53;

    injectedAt = Date.now();
    const inject = (entry: DrillFault) => (entry.fault ? sandbox.faults.add(entry.fault) : void deployment!.crashReplica(entry.crash!));
    for (const entry of scenario.faults) if (entry.afterStep === undefined) timers.push(setTimeout(() => inject(entry), entry.at ?? 0));
    atBoundary = (kind) => {
      for (const entry of scenario.faults) {
        if (entry.afterStep !== kind || triggered.has(entry)) continue;
        triggered.add(entry);
        inject(entry);
      }
    };
    let rolloutOutcome: RolloutOutcome | undefined;
    const rehearsal =
      scenario.rollout &&
      rehearseRollout(scenario.rollout, {
        api: { baseUrl: holderApi(deployment), token: drill.token },
        inject: (fault) => sandbox.faults.add(fault),
        progress: (line) => options.logger.info(`drill rollout: ${line}`),
      }).then((outcome) => (rolloutOutcome = outcome));
    const request = scenario.request;
    if (request) {
      timers.push(
        setTimeout(() => {
          const store = openStateStore(config, { region: request.to });
          const at = Date.now();
          void store.commands
            .submit({ kind: request.kind, id: `drill-${at}`, to: request.to, reason: `drill ${scenario.name}: ${request.reason}`, actor: 'drill', at }, at)
            .catch((error: unknown) => options.logger.error({ err: error }, 'drill: the request could not be submitted'))
            .finally(() => store.close());
        }, request.at),
      );
    }

    // Watch until an expected flip has settled (or, when no flip is expected, for the whole watch, or until a rollout has settled).
    let watchError: string | undefined;
    try {
      await waitFor('the expected outcome', () => {
        const stats = sandbox.stats();
        const to = seen.flips.at(-1)?.to;
        if (to && seen.dbWriterAt === undefined && stats.dbWriter === to) seen.dbWriterAt = Date.now();
        if (to && seen.trafficAt === undefined && Object.entries(stats.routingControls).every(([region, state]) => (region === to) === (state === 'On'))) seen.trafficAt = Date.now();
        if (scenario.expect.outcome === 'none') return scenario.rollout !== undefined && rehearsalSettled(rolloutOutcome, scenario.rollout.commit, seen.reasons);
        return seen.settled.some((d) => d.ok);
      }, scenario.watch);
    } catch (error) {
      if (scenario.expect.outcome !== 'none') watchError = error instanceof Error ? error.message : String(error);
    }
    await rehearsal;
    // Let clients settle on the new region before counting the outage.
    await sleep(Math.max(3000, config.database.endpointRecords.ttl * 1000));
    const summary = await traffic.stop();
    const stats = sandbox.stats();
    const route53Changes = ROUTE53_CHANGES.reduce((sum, action) => sum + (stats.calls.route53[action] ?? 0) - (route53Before[action] ?? 0), 0);
    const topology = await readTopology(config);
    return judge(scenario, config, seen, { injectedAt, stats, clientOutageMs: summary.clientOutageMs, route53Changes, ...(topology && { topology }), ...(watchError && { watchError }), ...(rolloutOutcome && { rollout: rolloutOutcome }) });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await deployment?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
