import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';
import { EventHub } from '../../../../controller/api/events.js';
import { ControllerMetrics } from '../../../../controller/api/metrics.js';
import { buildApiServer } from '../../../../controller/api/server.js';
import { parseConfig } from '../../../../controller/config/load.js';
import type { Config, ConfigInput } from '../../../../controller/config/schema.js';
import { createLogger } from '../../../../kernel/logging.js';
import type { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import type { ReplicaStatus } from '../../../../controller/replica/replica.js';
import type { WindowSummary } from '../../../../controller/domain/types.js';
import { startStoreFixture, type StoreFixture } from '../store/fixture.js';

export const repoRoot = new URL('../../../../', import.meta.url).pathname;

/** The demo tokens documented in examples/sandbox.yaml. */
export const TOKENS = { viewer: 'viewer-demo', operator: 'operator-demo', approver: 'approver-demo', approver2: 'approver2-demo' } as const;

export const sandboxConfig = (change: (input: ConfigInput) => void = () => undefined): Config => {
  const input = YAML.parse(readFileSync(join(repoRoot, 'examples/sandbox.yaml'), 'utf8')) as ConfigInput;
  change(input);
  return parseConfig(input);
};

/** The sandbox config with the two-person rule on (a five-minute approval window). */
export const twoPersonConfig = (): Config => sandboxConfig((c) => void (c.failover = { ...c.failover, approval: { required: true, window: '5m' } }));

export interface ApiHarness {
  app: FastifyInstance;
  store: DynamoStateStore;
  config: Config;
  metrics: ControllerMetrics;
  events: EventHub;
  replica: { status(): ReplicaStatus };
  /** The harness clock: tests move it. */
  clock: { now: number };
  /** Every log line the API wrote. */
  logs: string[];
}

/** Shared per test file: one dynalite, one temp dashboard folder. */
export interface ApiFixture {
  store: StoreFixture;
  dashboardDir: string;
  build(options?: { config?: Config; store?: DynamoStateStore; clock?: { now: number } }): Promise<ApiHarness>;
  close(): Promise<void>;
}

export async function startApiFixture(): Promise<ApiFixture> {
  const store = await startStoreFixture();
  const dashboardDir = await mkdtemp(join(tmpdir(), 'fcp-dashboard-'));
  await writeFile(join(dashboardDir, 'index.html'), '<!doctype html><title>fcp</title>');
  await writeFile(join(dashboardDir, 'app.js'), 'console.log("dashboard");');
  const apps: FastifyInstance[] = [];
  let ids = 0;
  return {
    store,
    dashboardDir,
    build: async (options = {}) => {
      const config = options.config ?? sandboxConfig();
      const stateStore = options.store ?? store.newStore();
      const clock = options.clock ?? { now: 1_700_000_000_000 };
      const logs: string[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString());
          done();
        },
      });
      const logger = createLogger({ name: 'api-test', level: 'debug', pretty: false, destination });
      const status: ReplicaStatus = { region: 'us-east-1', holder: true, storeReachable: true, conditions: [{ type: 'StoreReachable', status: 'true', reason: 'ok', message: 'the store answers', at: 0 }] };
      const replica = { status: () => status };
      const metrics = new ControllerMetrics('us-east-1', () => status);
      const events = new EventHub('us-east-1');
      const app = buildApiServer({ config, store: stateStore, region: 'us-east-1', replica, metrics, events, logger, now: () => clock.now, newId: (kind) => `${kind}-${++ids}-${process.pid}`, dashboardDir });
      apps.push(app);
      await app.ready();
      return { app, store: stateStore, config, metrics, events, replica, clock, logs };
    },
    close: async () => {
      await Promise.all(apps.map((app) => app.close()));
      await store.close();
      await rm(dashboardDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let keys = 0;
/** A fresh Idempotency-Key. */
export const newKey = () => `key-${process.pid}-${Date.now()}-${++keys}`;

const BIDI_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** The control and bidirectional characters in `text` (line feeds aside), as code points: written out here, independent of the code under test. */
export function rawControls(text: string): number[] {
  return [...text].map((c) => c.codePointAt(0)!).filter((n) => (n < 0x20 && n !== 0x0a) || (n >= 0x7f && n <= 0x9f) || BIDI_CONTROLS.has(n));
}

const SANDBOX_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

/** Publishes, from every vantage point at the harness clock, every region's api as healthy except the `failing` ones. */
export async function publishHealth(api: Pick<ApiHarness, 'store' | 'clock'>, failing: readonly string[]): Promise<void> {
  const at = api.clock.now;
  for (const vantage of SANDBOX_REGIONS) {
    const summaries: WindowSummary[] = SANDBOX_REGIONS.map((region) => {
      const bad = failing.includes(region);
      return { region, service: 'api', vantage, signal: 'http', ok: bad ? 0 : 5, failed: bad ? 5 : 0, slow: 0, lastAt: at, ...(bad && { lastDetail: 'HTTP 503' }) };
    });
    await api.store.observations.publish({ replica: vantage, at, summaries, conditions: [] });
  }
}
