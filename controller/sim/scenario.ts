import { z } from 'zod';
import { duration } from '../../kernel/duration.js';
import { configSchema, type Config } from '../config/schema.js';
import { loadYamlFile, parseWith } from '../../kernel/validate.js';
import type { Millis } from '../../kernel/time.js';
import { ROUTE53_VANTAGE } from '../domain/types.js';
import { NOISE_PROFILES, type NoiseProfile, type NoiseProfileName } from './noise.js';
import { simulationConfigInput } from './sim-config.js';

/**
 * A failure scenario: the simulated deployment (regions, services, probe and detection settings),
 * who observes it (every region's replica, plus Route 53's checkers when `route53` is set), the
 * background noise and a timeline of incidents. Validated like the controller config: every
 * problem is reported with its path, and nothing runs until the file is valid.
 */

/** The Route 53 vantage point's name; replicas are named after their region. */

const identifier = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, starting with a letter');
const ratio = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const probability = z.number().min(0, 'must be between 0 and 0.1').max(0.1, 'must be between 0 and 0.1 (a rate per probe)');

/** What an outage or hang takes down: the whole region (replica, writer, AWS APIs) or only its app. */
const scope = z.enum(['region', 'app'], 'must be "region" (the region is gone) or "app" (only the app fails)').default('region');

const timing = {
  /** When the incident starts, from the scenario start. */
  at: duration(),
  /** How long it lasts. */
  for: duration({ min: 1 }),
  /** Limit the incident to these services (default: every service). */
  services: z.array(identifier).min(1).optional(),
};

const incident = z.discriminatedUnion(
  'kind',
  [
    /**
     * `scope: region` (default): the region is gone: connections refused, its replica silent, its
     * writer and AWS APIs unreachable. `scope: app`: only the app refuses connections.
     */
    z.strictObject({ kind: z.literal('outage'), region: z.string(), scope, ...timing }),
    /** The region (or with `scope: app` only its app) accepts connections and never answers; a hung region's replica hangs too. */
    z.strictObject({ kind: z.literal('hang'), region: z.string(), scope, ...timing }),
    /** A share of requests fail with an HTTP error, reached linearly over `rampUp` (a slow onset); the rest are served. */
    z.strictObject({
      kind: z.literal('gray'),
      region: z.string(),
      errorRate: ratio,
      status: z.union([z.literal(500), z.literal(503), z.literal(429)]).default(503),
      rampUp: duration().default(0),
      ...timing,
    }),
    /** A short app-level failure: `503` (a burst of errors), `restart` (connections refused) or `stall` (no answer). The region stays up. */
    z.strictObject({ kind: z.literal('blip'), region: z.string(), mode: z.enum(['503', 'restart', 'stall'], 'must be "503", "restart" or "stall"'), ...timing }),
    /** One replica's process is starved of CPU: what it sends and reads is `lag` late (± half), so its probes time out. */
    z.strictObject({ kind: z.literal('starve'), vantage: z.string(), lag: duration({ min: 1 }), ...timing }),
    /** One replica's network path is flaky: a share `loss` of its probes to every region are lost. */
    z.strictObject({ kind: z.literal('flaky'), vantage: z.string(), loss: ratio, ...timing }),
    /** Every response is slower by `addedLatency` +- `spread` (a share of it); those beyond the probe timeout time out. */
    z.strictObject({ kind: z.literal('brownout'), region: z.string(), addedLatency: duration({ min: 1 }), spread: ratio.default(0.5), ...timing }),
    /** Every region fails alike: a shared dependency hanging (`hang`) or a bad deploy or rate limiter answering errors. */
    z.strictObject({
      kind: z.literal('global'),
      mode: z.enum(['hang', 'errors'], 'must be "hang" (a shared dependency hangs) or "errors" (every region answers errors)'),
      errorRate: ratio.default(1),
      status: z.union([z.literal(500), z.literal(503), z.literal(429)]).default(429),
      ...timing,
    }),
    /** One vantage point cannot reach one region (its probes time out); everyone else can. */
    z.strictObject({ kind: z.literal('cutoff'), vantage: z.string(), region: z.string(), ...timing }),
    /** One vantage point cannot reach anything (its probes to every region time out). */
    z.strictObject({ kind: z.literal('isolation'), vantage: z.string(), ...timing }),
    /** The region's service goes down for `down`, comes back for `up`, and repeats. */
    z.strictObject({ kind: z.literal('flapping'), region: z.string(), down: duration({ min: 1 }), up: duration({ min: 1 }), ...timing }),
    /**
     * The network between the region and the other regions is cut both ways (their replicas and
     * it time out on each other); clients and Route 53's checkers still reach it. No failover helps.
     */
    z.strictObject({ kind: z.literal('partition'), region: z.string(), ...timing }),
  ],
  { error: 'kind must be one of outage, hang, gray, blip, brownout, global, cutoff, isolation, flapping, partition, starve, flaky' },
);

const noiseObject = z.strictObject({
  loss: probability.default(0),
  timeouts: probability.default(0),
  /** Runs of lost probes on one path (a flapping route, a congested link): starts per probe, and how long each lasts. */
  bursts: z
    .strictObject({ rate: probability.default(0), minDuration: duration({ min: 1 }).default(3000), maxDuration: duration({ min: 1 }).default(10_000) })
    .prefault({}),
  /** Database status reads that fail although the writer is fine (an AWS API blip), per read. */
  apiErrors: probability.default(0),
  spikes: z
    .strictObject({
      rate: probability.default(0),
      maxDuration: duration({ min: 1 }).default(3000),
      minAdded: duration().default(200),
      maxAdded: duration().default(1500),
    })
    .prefault({}),
});

export const noiseSchema = z.union([z.enum(Object.keys(NOISE_PROFILES) as [NoiseProfileName, ...NoiseProfileName[]]), noiseObject], {
  error: `must be a profile name (${Object.keys(NOISE_PROFILES).join(', ')}) or an object with loss, timeouts and spikes`,
});

/** How other replicas' published summaries reach the lease holder: every publication after up to `delay`, a share `late` of them after up to `maxLate` (and out of order). */
export const deliverySchema = z
  .strictObject({ delay: duration().default(300), late: ratio.default(0), maxLate: duration({ min: 1 }).default(8000) })
  .prefault({});

const fileSchema = z.strictObject({
  name: identifier,
  description: z.string().default(''),
  seed: z.number().int('must be an integer').min(0).default(1),
  /** Wall-clock time the scenario starts at (only labels the output; time is virtual). */
  start: z.iso.datetime({ error: 'must be an ISO date-time such as "2026-01-01T00:00:00Z"' }).default('2026-01-01T00:00:00Z'),
  duration: duration({ min: 1000 }),
  regions: z.array(z.strictObject({ name: z.string(), role: z.enum(['primary', 'standby']) })).min(2, 'list at least two regions'),
  services: z
    .array(z.strictObject({ name: identifier, critical: z.boolean().default(true) }))
    .min(1)
    .default([{ name: 'api', critical: true }]),
  probe: z.unknown().optional(),
  detection: z.unknown().optional(),
  failover: z.unknown().optional(),
  /** Route 53 health checks as a vantage point: 8 checker regions, each checking every `interval`. */
  route53: z
    .strictObject({
      interval: duration().refine((ms) => ms === 10_000 || ms === 30_000, 'Route 53 health checks run every 10s or 30s'),
      failureThreshold: z.number().int().min(1).max(10).default(3),
      /** How often the controller reads the checks' status (default: the check interval). */
      poll: duration({ min: 100 }).optional(),
    })
    .optional(),
  /** Latency of a healthy probe: `base` plus up to `jitter`. */
  latency: z.strictObject({ base: duration().default(20), jitter: duration().default(40) }).prefault({}),
  noise: noiseSchema.default('default'),
  /** How long the simulated executor takes to run a failover plan (then it reports success). */
  planDuration: duration().default(20_000),
  /** Replication lag the database reports for every secondary (it grows while a partition cuts replication). */
  replicationLag: duration().default(200),
  /** The region whose replica holds the lease and runs the engine (default: the first standby). */
  holder: z.string().optional(),
  delivery: deliverySchema,
  /** Replica clock offsets in ms (negative: behind). Clocks are never compared, so this must change nothing. */
  skew: z.record(z.string(), z.number().int('must be a whole number of milliseconds')).default({}),
  incidents: z.array(incident).default([]),
});

type ScenarioFile = z.output<typeof fileSchema>;
export type Incident = ScenarioFile['incidents'][number];
export type IncidentKind = Incident['kind'];

/** A validated scenario. Its probe, detection and failover settings live in `config`. */
export interface Scenario extends Omit<ScenarioFile, 'noise' | 'start' | 'route53' | 'probe' | 'detection' | 'failover' | 'holder'> {
  /** The region whose replica runs the engine; the others publish their summaries to it. */
  holder: string;
  /** Epoch ms of the scenario start. */
  startAt: Millis;
  noise: NoiseProfile;
  /** The noise profile's name, or `custom`. */
  noiseName: string;
  route53?: { interval: Millis; failureThreshold: number; poll: Millis };
  /** The validated controller config of the simulated deployment. */
  config: Config;
}

const scenarioSchema = fileSchema.transform((file, ctx): Scenario => {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const configResult = configSchema.safeParse(
    simulationConfigInput({ regions: file.regions, services: file.services, probe: file.probe, detection: file.detection, failover: file.failover, route53: file.route53 !== undefined }),
  );
  if (!configResult.success) {
    for (const problem of configResult.error.issues) issue(problem.path, problem.message);
    return z.NEVER;
  }
  const config = configResult.data;
  const regions = new Set(file.regions.map((r) => r.name));
  const services = new Set(file.services.map((s) => s.name));
  const vantages = new Set([...regions, ...(file.route53 ? [ROUTE53_VANTAGE] : [])]);
  const regionList = [...regions].join(', ');
  file.incidents.forEach((incident, index) => {
    const path = ['incidents', index];
    if ('region' in incident && !regions.has(incident.region)) issue([...path, 'region'], `"${incident.region}" is not one of the scenario's regions (${regionList})`);
    if ((incident.kind === 'starve' || incident.kind === 'flaky') && !regions.has(incident.vantage)) {
      issue([...path, 'vantage'], `"${incident.vantage}" is not a replica; use a region name (${regionList})`);
    } else if ('vantage' in incident && !vantages.has(incident.vantage)) {
      issue([...path, 'vantage'], `"${incident.vantage}" is not a vantage point; use a region name (${regionList})${file.route53 ? ` or "${ROUTE53_VANTAGE}"` : ' (add `route53:` to observe from Route 53)'}`);
    }
    incident.services?.forEach((name, i) => {
      if (!services.has(name)) issue([...path, 'services', i], `"${name}" is not one of the scenario's services (${[...services].join(', ')})`);
    });
    if (incident.at + incident.for > file.duration) issue([...path, 'for'], 'the incident ends after the scenario; shorten it or lengthen `duration`');
  });
  if (file.latency.base + file.latency.jitter > config.probe.latencyBudget) {
    issue(['latency'], `base + jitter (${file.latency.base + file.latency.jitter}ms) exceeds probe.latencyBudget (${config.probe.latencyBudget}ms); model slow probes with noise spikes or a brownout`);
  }
  const noiseProfile: NoiseProfile = typeof file.noise === 'string' ? NOISE_PROFILES[file.noise] : file.noise;
  if (noiseProfile.spikes.minAdded > noiseProfile.spikes.maxAdded) issue(['noise', 'spikes', 'minAdded'], 'must not exceed noise.spikes.maxAdded');
  if (noiseProfile.bursts.minDuration > noiseProfile.bursts.maxDuration) issue(['noise', 'bursts', 'minDuration'], 'must not exceed noise.bursts.maxDuration');
  if (file.holder !== undefined && !regions.has(file.holder)) issue(['holder'], `"${file.holder}" is not one of the scenario's regions (${regionList})`);
  for (const name of Object.keys(file.skew)) if (!regions.has(name)) issue(['skew', name], `"${name}" is not one of the scenario's regions (${regionList})`);

  const { noise: _noise, start, route53, probe: _probe, detection: _detection, failover: _failover, holder, ...rest } = file;
  const standby = file.regions.find((r) => r.role === 'standby')?.name ?? file.regions[0]!.name;
  const scenario: Scenario = { ...rest, holder: holder ?? standby, startAt: Date.parse(start), noise: noiseProfile, noiseName: typeof file.noise === 'string' ? file.noise : 'custom', config };
  if (route53) scenario.route53 = { interval: route53.interval, failureThreshold: route53.failureThreshold, poll: route53.poll ?? route53.interval };
  return scenario;
});

export type ScenarioInput = z.input<typeof fileSchema>;

/** Reads and validates a scenario file; throws InputError listing every problem with its path. */
export function loadScenario(path: string): Scenario {
  return loadYamlFile(path, scenarioSchema, 'scenario');
}

/** Validates a scenario given as a value (tests, the benchmark's generated workload). */
export function parseScenario(value: unknown): Scenario {
  return parseWith(scenarioSchema, value, 'scenario');
}
