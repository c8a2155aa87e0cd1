import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../../controller/api/routes.js';
import { createLogger } from '../../../../kernel/logging.js';
import type { Assessment, Decision } from '../../../../controller/domain/types.js';
import { bearer, newKey, startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from './fixture.js';

let fixture: ApiFixture;
let api: ApiHarness;
beforeAll(async () => {
  fixture = await startApiFixture();
  api = await fixture.build();
});
afterAll(async () => {
  await fixture.close();
});

const assessment = (health: 'healthy' | 'failed'): Assessment => ({
  at: 1,
  classification: 'regional',
  cutOffVantages: [],
  reason: 'us-east-1 failed',
  verdicts: { 'us-east-1': { health, summary: health, evidence: [] } as unknown as Assessment['verdicts'][string] },
});
const decision = (reason: string): Decision => ({ kind: 'none', at: 1, reason });

/** Every sample line of a Prometheus text exposition: name, labels, value. */
function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

describe('/metrics', () => {
  it('exposes verdicts, decisions, step durations, lease holder, probe latency and AWS call errors without a token', async () => {
    api.metrics.onAssessment(assessment('failed'));
    api.metrics.onDecision(decision('x'));
    api.metrics.onExecutorEvent({ type: 'step-end', planId: 'p', step: { index: 0, kind: 'promote-database' } as never, outcome: { status: 'done' }, ms: 1500, waitedMs: 0, at: 1 });
    api.metrics.onObservations([{ region: 'us-east-1', service: 'api', vantage: 'us-east-1', signal: 'http', outcome: 'ok', latencyMs: 42, at: 1 }]);
    api.metrics.onAwsCallError({ target: { service: 'rds', operation: 'DescribeGlobalClusters', region: 'us-east-1' } as never, code: 'Throttling', kind: 'throttled' as never, transient: true });
    const response = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    const samples = parseExposition(response.body);
    const find = (name: string, labels: Record<string, string> = {}) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(find('fcp_region_verdict', { region: 'us-east-1', health: 'failed' })?.value).toBe(1);
    expect(find('fcp_region_verdict', { region: 'us-east-1', health: 'healthy' })?.value).toBe(0);
    expect(find('fcp_decisions_total', { kind: 'none' })?.value).toBe(1);
    expect(find('fcp_plan_step_duration_seconds_sum', { kind: 'promote-database', status: 'done' })?.value).toBe(1.5);
    expect(find('fcp_lease_holder', { replica: 'us-east-1' })?.value).toBe(1);
    expect(find('fcp_readiness_condition', { type: 'StoreReachable', region: '' })?.value).toBe(1);
    expect(find('fcp_probe_latency_seconds_count', { region: 'us-east-1', outcome: 'ok' })?.value).toBe(1);
    expect(find('fcp_aws_call_errors_total', { service: 'rds', code: 'Throttling' })?.value).toBe(1);
  });
});

describe('/v1/openapi.json', () => {
  it('is valid JSON listing every route with its method', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    const document = JSON.parse(response.body) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown; responses?: Record<string, unknown> }>> };
    expect(document.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const path = route.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{file}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      expect(Boolean(operation?.security)).toBe(Boolean(route.role));
      expect(Boolean(operation?.requestBody)).toBe(Boolean(route.body));
      expect(Boolean(operation?.responses?.['415'])).toBe(Boolean(route.mutating));
    }
  });
});

describe('/v1/events', () => {
  it('streams status, decision and plan events as server-sent events', async () => {
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/events`, { headers: bearer(TOKENS.viewer), signal: AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)]) });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    // Publish until the subscriber is attached and all three kinds arrived.
    while (!(text.includes('event: status') && text.includes('event: decision') && text.includes('event: plan')) && Date.now() < deadline) {
      api.events.onDecision(decision(`tick ${Date.now()}`), assessment('healthy'));
      api.events.onExecutorEvent({ type: 'plan-stopped', planId: 'p-1', reason: 'lease lost', at: 2 });
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = text.split('\n\n').filter((block) => block.startsWith('event: '));
    const plan = events.find((e) => e.startsWith('event: plan'))!;
    expect(JSON.parse(plan.split('\ndata: ')[1]!)).toMatchObject({ replica: 'us-east-1', type: 'plan-stopped', planId: 'p-1' });
    const deadlineClosed = Date.now() + 5_000;
    while (api.events.subscribers > 0 && Date.now() < deadlineClosed) await new Promise((r) => setTimeout(r, 20));
    expect(api.events.subscribers).toBe(0);
  });

  it('closing the server ends open streams instead of waiting for them', async () => {
    const harness = await fixture.build();
    const url = await harness.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/v1/events`, { headers: bearer(TOKENS.viewer), signal: AbortSignal.timeout(10_000) });
    const reader = response.body!.getReader();
    await reader.read();
    await harness.app.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it('a decision event only when the decision changes', () => {
    const seen: string[] = [];
    const unsubscribe = api.events.subscribe((e) => seen.push(e.type));
    api.events.onDecision(decision('same'), assessment('healthy'));
    api.events.onDecision(decision('same'), assessment('healthy'));
    unsubscribe();
    expect(seen).toEqual(['status', 'decision', 'status']);
  });
});

describe('secrets never reach the logs', () => {
  it('the logger redacts authorization headers and tokens', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger({ name: 't', pretty: false, destination });
    logger.info({ req: { headers: { authorization: 'Bearer operator-demo' } }, token: 'operator-demo', auth: { token: 'operator-demo' } }, 'request');
    expect(lines.join('')).not.toContain('operator-demo');
    expect(lines.join('')).toContain('[redacted]');
  });

  it('API calls, accepted, refused and failed, log no token', async () => {
    const harness = await fixture.build();
    await harness.app.inject({ method: 'POST', url: '/v1/pause', headers: { ...bearer(TOKENS.operator), 'idempotency-key': newKey() }, payload: { reason: 'x' } });
    await harness.app.inject({ method: 'GET', url: '/v1/status', headers: bearer('a-guessed-secret') });
    await harness.app.inject({ method: 'POST', url: '/v1/resume', headers: { ...bearer(TOKENS.viewer), 'idempotency-key': newKey() }, payload: { reason: 'x' } });
    const logged = harness.logs.join('');
    expect(logged).toContain('demo-operator');
    for (const secret of [TOKENS.operator, TOKENS.viewer, 'a-guessed-secret']) expect(logged).not.toContain(secret);
  });
});

