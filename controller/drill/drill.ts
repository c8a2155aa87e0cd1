import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachingResolver } from '../../sandbox/net/resolver.js';
import { startTraffic } from '../../sandbox/traffic/generator.js';
import type { Config } from '../config/schema.js';
import type { Millis } from '../domain/time.js';
import type { Decision } from '../domain/types.js';
import { startLocalDeployment, type LocalDeployment } from '../local-deployment.js';
import type { Logger } from '../logging.js';
import { openStateStore } from '../providers/store/from-config.js';
import { FcpError } from '../errors.js';

export const DRILL_SCENARIOS = ['region-outage', 'switchover'] as const;
export type DrillScenario = (typeof DRILL_SCENARIOS)[number];

/** Times are from the moment the fault was injected (or the switchover requested). */
export interface DrillReport {
  scenario: DrillScenario;
  completed: boolean;
  from: string;
  to?: string;
  planId?: string;
  error?: string;
  /** The lease holder first judged the primary failed (for a switchover: the request was decided). */
  detectedAfterMs?: Millis;
  decidedAfterMs?: Millis;
  dbWriterAfterMs?: Millis;
  trafficFlippedAfterMs?: Millis;
  /** From the first failed client request to the last one. */
  clientOutageMs: Millis;
  writesCommitted: number;
  writesLost: number;
  /** From decision to plan done, minus the time spent inside AWS calls and the waits they make. */
  controllerOverheadMs?: Millis;
  steps: { name: string; ms: Millis }[];
}

export interface DrillOptions {
  scenario: DrillScenario;
  config: Config;
  logger: Logger;
  /** Gives up (completed: false) after this long from injection. */
  timeoutMs?: Millis;
  /** Client requests per second during the drill. */
  rate?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: Millis, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new FcpError(`drill: ${what} did not happen within ${Math.round(timeoutMs / 1000)}s`);
    await sleep(everyMs);
  }
}

/**
 * A game day on one machine: a fresh sandbox and replicas, client traffic, then the scenario (the
 * primary region goes down, or a planned switchover), measured from the client's and the
 * controller's side until the failover completes.
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'fcp-drill-'));
  let injectedAt = Number.POSITIVE_INFINITY;
  const primary = options.config.regions.find((r) => r.role === 'primary')!.name;
  const marks: { detectedAt?: Millis; flip?: Extract<Decision, { kind: 'flip' }>; planEnd?: { at: Millis; ok: boolean; error?: string; waitedMs: Millis } } = {};
  const steps: { name: string; ms: Millis }[] = [];
  let deployment: LocalDeployment | undefined;
  try {
    deployment = await startLocalDeployment(options.config, {
      dataDir,
      ephemeralPorts: true,
      logger: options.logger,
      sandboxLogger: options.logger.child({ part: 'sandbox' }, { level: 'warn' }),
      onDecision: (_region, decision, assessment) => {
        // Both are stamped with the tick's own time, so detection never appears after the decision.
        if (assessment.at < injectedAt) return;
        if (marks.detectedAt === undefined && assessment.verdicts[primary]?.health === 'failed') marks.detectedAt = assessment.at;
        if (!marks.flip && decision.kind === 'flip') marks.flip = decision;
      },
      onExecutorEvent: (_region, event) => {
        if (event.type === 'step-end' && event.planId === marks.flip?.planId) steps.push({ name: event.step.kind, ms: event.ms });
        if (event.type === 'plan-end' && event.planId === marks.flip?.planId) marks.planEnd = { at: event.at, ok: event.ok, waitedMs: event.waitedMs, ...(event.error && { error: event.error }) };
      },
    });
    const { sandbox, config } = deployment;

    await waitFor('a lease holder seeing every region healthy', () => {
      const holder = [...deployment!.replicas.values()].find((r) => r.replica.status().holder);
      const verdicts = holder?.replica.status().assessment?.verdicts;
      return verdicts !== undefined && Object.values(verdicts).every((v) => v.health === 'healthy');
    }, 30_000);

    const [host, port] = sandbox.endpoints.dns.split(':');
    const appPort = Number(new URL(Object.values(sandbox.endpoints.regions)[0]!.app).port);
    const traffic = startTraffic({
      publicName: config.traffic.publicName,
      port: appPort,
      resolver: new CachingResolver({ host: host!, port: Number(port), timeoutMs: 1000 }),
      rate: options.rate ?? 20,
      durationMs: timeoutMs + 30_000,
      writeRatio: 0.3,
      timeoutMs: 1000,
    });
    await sleep(3000);

    injectedAt = Date.now();
    if (options.scenario === 'region-outage') {
      sandbox.faults.add({ kind: 'region-down', region: primary });
    } else {
      const to = config.regions.find((r) => r.role === 'standby')!.name;
      const store = openStateStore(config, { region: to });
      try {
        await store.commands.submit({ kind: 'switchover', id: `drill-${injectedAt}`, to, reason: 'drill: planned switchover', actor: 'drill', at: injectedAt }, injectedAt);
      } finally {
        store.close();
      }
    }

    let dbWriterAt: Millis | undefined;
    let trafficAt: Millis | undefined;
    let error: string | undefined;
    try {
      await waitFor('the failover', () => {
        const stats = sandbox.stats();
        const to = marks.flip?.to;
        if (to && dbWriterAt === undefined && stats.dbWriter === to) dbWriterAt = Date.now();
        if (to && trafficAt === undefined && Object.entries(stats.routingControls).every(([arnRegion, state]) => (arnRegion === to) === (state === 'On'))) trafficAt = Date.now();
        return marks.planEnd !== undefined;
      }, timeoutMs);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    // Let clients settle on the new region before counting the outage.
    await sleep(Math.max(3000, config.database.endpointRecords.ttl * 1000));
    const summary = await traffic.stop();
    const stats = sandbox.stats();

    const since = (at: Millis | undefined) => (at === undefined ? undefined : at - injectedAt);
    const flip = marks.flip;
    const completed = marks.planEnd?.ok === true && flip !== undefined && stats.dbWriter === flip.to;
    const report: DrillReport = {
      scenario: options.scenario,
      completed,
      from: primary,
      clientOutageMs: summary.clientOutageMs,
      writesCommitted: stats.writesCommitted,
      writesLost: stats.writesLost,
      steps,
    };
    const decidedAfterMs = since(flip?.at);
    const fields = {
      to: flip?.to,
      planId: flip?.planId,
      error: error ?? marks.planEnd?.error,
      detectedAfterMs: options.scenario === 'switchover' ? decidedAfterMs : since(marks.detectedAt),
      decidedAfterMs,
      dbWriterAfterMs: since(dbWriterAt),
      trafficFlippedAfterMs: since(trafficAt),
      controllerOverheadMs: flip && marks.planEnd ? Math.max(0, marks.planEnd.at - flip.at - marks.planEnd.waitedMs) : undefined,
    };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) (report as unknown as Record<string, unknown>)[key] = value;
    return report;
  } finally {
    await deployment?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function renderDrill(report: DrillReport): string {
  const ms = (v: Millis | undefined) => (v === undefined ? '-' : `${(v / 1000).toFixed(2)}s`);
  const lines = [
    `Drill: ${report.scenario} (${report.from} -> ${report.to ?? '?'}) ${report.completed ? 'COMPLETED' : 'DID NOT COMPLETE'}${report.error ? `: ${report.error}` : ''}`,
    '',
    `  detected after        ${ms(report.detectedAfterMs)}`,
    `  decided after         ${ms(report.decidedAfterMs)}`,
    `  DB writer moved after ${ms(report.dbWriterAfterMs)}`,
    `  traffic flipped after ${ms(report.trafficFlippedAfterMs)}`,
    `  client outage         ${ms(report.clientOutageMs)}`,
    `  controller overhead   ${ms(report.controllerOverheadMs)}`,
    `  writes committed      ${report.writesCommitted}`,
    `  writes lost           ${report.writesLost}`,
    '',
    '  steps:',
    ...report.steps.map((s) => `    ${s.name.padEnd(20)} ${ms(s.ms)}`),
  ];
  return lines.join('\n');
}
