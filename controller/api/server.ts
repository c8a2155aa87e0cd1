import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Logger } from '../../kernel/logging.js';
import type { AuditPhase, StateStore } from '../store/state-store.js';
import { TokenVerifier, type Principal } from './auth.js';
import { formatEvent, type EventHub } from './events.js';
import { FailureLimit } from './failure-limit.js';
import { gate } from './gate.js';
import { SECURITY_HEADERS } from './headers.js';
import type { ControllerMetrics } from './metrics.js';
import { mutation, toApiError } from './mutation.js';
import { openApiDocument } from './openapi.js';
import { ApiError, Operations, type Answer, type OperationsDeps } from './operations.js';
import { LogThrottle, UnauthenticatedRefusals } from './refusals.js';
import { auditQuery, changesQuery, describeIssues, planQuery, ROUTES, type RouteSpec } from './routes.js';
import type { approveBody, failbackBody, finishChangeBody, flipBody, reasonBody, rejectBody, startChangeBody } from './routes.js';
import { DASHBOARD_DIR, readStatic } from './static.js';

export interface ApiServerDeps extends Omit<OperationsDeps, 'store' | 'config'> {
  config: Config;
  store: StateStore;
  region: string;
  metrics: ControllerMetrics;
  events: EventHub;
  logger: Logger;
  /** Where the dashboard's files are (default: controller/api/dashboard/). */
  dashboardDir?: string;
  version?: string;
}

/** At most one log line per route and reason this often for unauthenticated refusals and store trouble of the failure limit. */
const THROTTLED_LOG_INTERVAL_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    spec?: RouteSpec;
  }
}

/**
 * The replica's HTTP API: authentication and roles, idempotent and audited mutations, reads of the
 * state store, metrics, server-sent events, the OpenAPI document and the dashboard's files.
 */
export function buildApiServer(deps: ApiServerDeps): FastifyInstance {
  const { config, store } = deps;
  const app = Fastify({ loggerInstance: deps.logger.child({ part: 'api' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 64 * 1024, requestTimeout: 30_000 });
  const operations = new Operations({ ...deps, store, config });
  const dashboardDir = deps.dashboardDir ?? DASHBOARD_DIR;
  const storeTrouble = new LogThrottle(THROTTLED_LOG_INTERVAL_MS);
  const limit = new FailureLimit(store.authFailures, config.api.authFailureLimit, config.api.authFailureWindow, (error) => {
    const held = storeTrouble.admit('failure-limit', deps.now());
    if (held !== undefined) app.log.warn({ err: error, heldBack: held }, 'the shared failed-authentication count is unreachable; this replica\'s own count limits meanwhile');
  });
  const refusals = new UnauthenticatedRefusals(deps.metrics, app.log, THROTTLED_LOG_INTERVAL_MS);
  // Open event streams never end by themselves: closing the server ends them, or close would wait for ever.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  /** Audit records of calls name their caller: only identified callers' calls are ever audited. */
  const audit = async (request: FastifyRequest, phase: AuditPhase, details: Record<string, unknown>) => {
    const spec = request.routeOptions.config.spec;
    await store.audit.append({
      at: deps.now(),
      actor: request.principal!.name,
      action: `api${spec?.url ?? request.url}`.replace('/v1/', '/'),
      phase,
      details: { method: request.method, path: request.url.split('?')[0], client: request.ip, replica: deps.region, ...details },
    });
  };

  /**
   * Sends a refusal; when an identified caller is refused on a mutating route, it is audited first
   * (the audit must not be lost to a crash). Refusals of callers nobody identified never reach the
   * chain (see gate.ts): anyone could send them, as many as they like.
   */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: ApiError) => {
    if (request.principal && request.routeOptions.config.spec?.mutating) {
      await audit(request, 'refused', { status: error.statusCode, reason: error.message, problems: error.problems }).catch((cause: unknown) => request.log.error({ err: cause }, 'audit of a refused call failed'));
    }
    return reply.code(error.statusCode).send({ error: error.message, ...(error.problems.length > 0 && { problems: error.problems }) });
  };

  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.onApiRequest(request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  app.addHook('onRequest', gate({ verifier: new TokenVerifier(config.api.tokens), limit, refusals, now: deps.now, refuse }));

  app.setErrorHandler(async (error, request, reply) => {
    const answer = toApiError(error);
    if (answer.statusCode >= 500) request.log.error({ err: error, url: request.url }, 'API call failed');
    return refuse(request, reply, answer);
  });

  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const parse = <T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query'): z.output<T> => {
    const result = schema.safeParse(value ?? {});
    if (!result.success) throw new ApiError(400, `invalid request ${where}`, describeIssues(result.error, where));
    return result.data;
  };
  const changes = {
    idempotency: store.idempotency,
    idempotencyTtl: config.api.idempotencyTtl,
    now: deps.now,
    audit,
    parseBody: (request: FastifyRequest) => parse(request.routeOptions.config.spec!.body!, request.body, 'body'),
  };

  const read = (run: (request: FastifyRequest) => Promise<Answer>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await run(request);
    return reply.code(answer.statusCode).send(answer.body);
  };

  const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name] ?? '';

  const handlers: Record<string, (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = {
    'GET /v1/status': read(() => operations.status()),
    'GET /v1/plan': read((request) => operations.plan(parse(planQuery, request.query, 'query'), request.principal!)),
    'POST /v1/failover': mutation(changes, (request, body: z.output<typeof flipBody>) => operations.flip('failover', body, request.principal!)),
    'POST /v1/switchover': mutation(changes, (request, body: z.output<typeof flipBody>) => operations.flip('switchover', body, request.principal!)),
    'POST /v1/failback': mutation(changes, (request, body: z.output<typeof failbackBody>) => operations.failback(body, request.principal!)),
    'POST /v1/pause': mutation(changes, (request, body: z.output<typeof reasonBody>) => operations.pauseOrResume('pause', body, request.principal!)),
    'POST /v1/resume': mutation(changes, (request, body: z.output<typeof reasonBody>) => operations.pauseOrResume('resume', body, request.principal!)),
    'GET /v1/requests': read(() => operations.requests()),
    'POST /v1/requests/:id/approve': mutation(changes, (request, body: z.output<typeof approveBody>) => operations.approve(param(request, 'id'), body, request.principal!)),
    'POST /v1/requests/:id/reject': mutation(changes, (request, body: z.output<typeof rejectBody>) => operations.reject(param(request, 'id'), body, request.principal!)),
    'GET /v1/commands/:id': read((request) => operations.command(param(request, 'id'))),
    'POST /v1/changes': mutation(changes, (request, body: z.output<typeof startChangeBody>) => operations.startChange(body, request.principal!)),
    'POST /v1/changes/:id/finish': mutation(changes, (request, body: z.output<typeof finishChangeBody>) => operations.finishChange(param(request, 'id'), body)),
    'GET /v1/changes': read((request) => operations.changes(parse(changesQuery, request.query, 'query'))),
    'GET /v1/audit': read((request) => operations.audit(parse(auditQuery, request.query, 'query'))),
    'GET /v1/events': async (request, reply) => streamEvents(deps.events, streams, request, reply),
    'GET /v1/openapi.json': async (_request, reply) => reply.send(openApiDocument(deps.version ?? '1')),
    'GET /healthz': async (_request, reply) => reply.send({ ok: true, replica: deps.region }),
    'GET /readyz': async (_request, reply) => {
      const status = deps.replica.status();
      const failing = status.conditions.filter((c) => c.status === 'false');
      const ready = status.storeReachable && failing.length === 0;
      return reply.code(ready ? 200 : 503).send({ ready, replica: deps.region, storeReachable: status.storeReachable, holder: status.holder, conditions: status.conditions });
    },
    'GET /metrics': async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.exposition()),
    'GET /': async (_request, reply) => sendStatic(reply, dashboardDir, 'index.html'),
    'GET /assets/*': async (request, reply) => sendStatic(reply, dashboardDir, param(request, '*')),
  };

  for (const route of ROUTES) {
    const handler = handlers[`${route.method} ${route.url}`];
    if (!handler) throw new Error(`no handler for ${route.method} ${route.url}`);
    app.route({ method: route.method, url: route.url, config: { spec: route }, handler });
  }
  return app;
}

async function sendStatic(reply: FastifyReply, dir: string, file: string) {
  const found = await readStatic(dir, file);
  if (!found) return reply.code(404).send({ error: `no dashboard file ${file}` });
  return reply.type(found.contentType).send(found.body);
}

/** Keeps the response open and writes each hub event as a server-sent event until the client leaves. */
function streamEvents(hub: EventHub, streams: Set<ServerResponse>, request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const raw = reply.raw;
  streams.add(raw);
  raw.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  raw.write(': connected\n\n');
  const unsubscribe = hub.subscribe((event) => raw.write(formatEvent(event)));
  // A comment line now and then keeps proxies from closing an idle stream.
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
  const close = () => {
    clearInterval(keepAlive);
    unsubscribe();
    streams.delete(raw);
  };
  request.raw.on('close', close);
  raw.on('close', close);
}
