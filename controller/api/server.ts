import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Logger } from '../logging.js';
import { canonicalJson } from '../providers/store/canonical-json.js';
import { ConflictError, StoreUnavailableError } from '../providers/store/errors.js';
import type { StateStore } from '../providers/store/port.js';
import { FailureLimiter, roleAllows, TokenVerifier, type Principal } from './auth.js';
import { formatEvent, type EventHub } from './events.js';
import type { ControllerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { ApiError, Operations, type Answer, type OperationsDeps } from './operations.js';
import { auditQuery, describeIssues, planQuery, ROUTES, type RouteSpec } from './routes.js';
import type { approveBody, failbackBody, flipBody, reasonBody, rejectBody } from './routes.js';
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

const ANONYMOUS = 'anonymous';
const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
/** A call that failed without an answer (5xx) leaves its key claimed; after this, a retry with the key runs again. */
const UNANSWERED_CLAIM_STALE_MS = 30_000;

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
  const verifier = new TokenVerifier(config.api.tokens);
  const limiter = new FailureLimiter(config.api.authFailureLimit, config.api.authFailureWindow);
  const operations = new Operations({ ...deps, store, config });
  const dashboardDir = deps.dashboardDir ?? DASHBOARD_DIR;
  // Open event streams never end by themselves: closing the server ends them, or close would wait for ever.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  const audit = async (request: FastifyRequest, phase: 'intent' | 'refused', details: Record<string, unknown>) => {
    const spec = request.routeOptions.config.spec;
    await store.audit.append({
      at: deps.now(),
      actor: request.principal?.name ?? ANONYMOUS,
      action: `api${spec?.url ?? request.url}`.replace('/v1/', '/'),
      phase,
      details: { method: request.method, path: request.url.split('?')[0], client: request.ip, replica: deps.region, ...details },
    });
  };

  /**
   * Sends a refusal; on a mutating route it is audited first (the audit must not be lost to a crash).
   * Except 429: an address past the failure limit was audited up to the limit, and appending each of
   * its further attempts would let it flood the chain that plans append to during an incident.
   */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: ApiError) => {
    if (error.statusCode === 429) request.log.warn({ client: request.ip, route: request.routeOptions.url }, 'refused: too many failed authentications from this address');
    else if (request.routeOptions.config.spec?.mutating) {
      await audit(request, 'refused', { status: error.statusCode, reason: error.message, problems: error.problems }).catch((cause: unknown) => request.log.error({ err: cause }, 'audit of a refused call failed'));
    }
    return reply.code(error.statusCode).send({ error: error.message, ...(error.problems.length > 0 && { problems: error.problems }) });
  };

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.onApiRequest(request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });

  // Authentication and roles, before the body is even parsed.
  app.addHook('onRequest', async (request, reply) => {
    const spec = request.routeOptions.config.spec;
    if (!spec?.role) return;
    const now = deps.now();
    const wait = limiter.blockedFor(request.ip, now);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return refuse(request, reply, new ApiError(429, 'too many failed authentications from this address; try again later'));
    }
    const principal = verifier.verify(request.headers.authorization);
    if (!principal) {
      limiter.recordFailure(request.ip, now);
      reply.header('www-authenticate', 'Bearer');
      const message = request.headers.authorization ? 'the bearer token is not valid' : 'missing bearer token';
      return refuse(request, reply, new ApiError(401, message, ['Authorization: send "Bearer <token>"']));
    }
    request.principal = principal;
    if (!roleAllows(principal.role, spec.role)) {
      return refuse(request, reply, new ApiError(403, `${principal.name} has role ${principal.role}; ${spec.method} ${spec.url} needs ${spec.role}`));
    }
  });

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

  /**
   * A mutating call: key required, body validated, then claimed under its Idempotency-Key so a
   * repeat (on any replica) gets the first answer; the intent is audited before the change.
   */
  const mutation = (spec: RouteSpec, run: (request: FastifyRequest, body: never) => Promise<Answer>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'an Idempotency-Key header is required', ['Idempotency-Key: 1-200 letters, digits, ".", "_", ":" or "-"; a new random one per intended change (e.g. a UUID)']);
    }
    const body = parse(spec.body!, request.body, 'body');
    const principal = request.principal!;
    const fingerprint = createHash('sha256').update(canonicalJson({ method: request.method, path: request.url, by: principal.name, body })).digest('hex');
    const claim = await store.idempotency.claimKey(key, fingerprint, deps.now(), UNANSWERED_CLAIM_STALE_MS);
    if (!claim.claimed) {
      if (claim.record.fingerprint !== fingerprint) throw new ApiError(422, 'this Idempotency-Key was used for a different call', ['Idempotency-Key: use a new key for a new change']);
      if (!claim.record.response) throw new ApiError(409, 'a call with this Idempotency-Key is still running, or failed less than 30s ago; retry shortly');
      reply.header('idempotent-replayed', 'true');
      return reply.code(claim.record.response.statusCode).send(claim.record.response.body);
    }
    let answer: Answer;
    try {
      const why = (body as { reason?: unknown }).reason;
      await audit(request, 'intent', { idempotencyKey: key, body, ...(typeof why === 'string' && { reason: why }) });
      answer = await run(request, body as never);
    } catch (error) {
      const refused = toApiError(error);
      // A refusal is the call's answer too: a replay must not run it a second time.
      if (refused.statusCode < 500) await store.idempotency.completeKey(key, { statusCode: refused.statusCode, body: { error: refused.message, problems: refused.problems } });
      throw refused;
    }
    await store.idempotency.completeKey(key, answer);
    request.log.info({ route: spec.url, actor: principal.name, status: answer.statusCode }, `${spec.method} ${spec.url} by ${principal.name}: ${answer.statusCode}`);
    return reply.code(answer.statusCode).send(answer.body);
  };

  const read = (run: (request: FastifyRequest) => Promise<Answer>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await run(request);
    return reply.code(answer.statusCode).send(answer.body);
  };

  const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name] ?? '';

  const handlers: Record<string, (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = {
    'GET /v1/status': read(() => operations.status()),
    'GET /v1/plan': read((request) => operations.plan(parse(planQuery, request.query, 'query'), request.principal!)),
    'POST /v1/failover': mutation(spec('POST /v1/failover'), (request, body: z.output<typeof flipBody>) => operations.flip('failover', body, request.principal!)),
    'POST /v1/switchover': mutation(spec('POST /v1/switchover'), (request, body: z.output<typeof flipBody>) => operations.flip('switchover', body, request.principal!)),
    'POST /v1/failback': mutation(spec('POST /v1/failback'), (request, body: z.output<typeof failbackBody>) => operations.failback(body, request.principal!)),
    'POST /v1/pause': mutation(spec('POST /v1/pause'), (request, body: z.output<typeof reasonBody>) => operations.pauseOrResume('pause', body, request.principal!)),
    'POST /v1/resume': mutation(spec('POST /v1/resume'), (request, body: z.output<typeof reasonBody>) => operations.pauseOrResume('resume', body, request.principal!)),
    'GET /v1/requests': read(() => operations.requests()),
    'POST /v1/requests/:id/approve': mutation(spec('POST /v1/requests/:id/approve'), (request, body: z.output<typeof approveBody>) => operations.approve(param(request, 'id'), body, request.principal!)),
    'POST /v1/requests/:id/reject': mutation(spec('POST /v1/requests/:id/reject'), (request, body: z.output<typeof rejectBody>) => operations.reject(param(request, 'id'), body, request.principal!)),
    'GET /v1/commands/:id': read((request) => operations.command(param(request, 'id'))),
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

function spec(id: string): RouteSpec {
  const found = ROUTES.find((r) => `${r.method} ${r.url}` === id);
  if (!found) throw new Error(`no route ${id}`);
  return found;
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
  raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
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

/** Maps any thrown value to the answer the client gets. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InputError) return new ApiError(400, error.message, error.problems, { cause: error });
  if (error instanceof ConflictError) return new ApiError(409, error.message, [], { cause: error });
  if (error instanceof StoreUnavailableError) return new ApiError(503, 'the state store is unreachable; retry, or see `fcp status`', [], { cause: error });
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const problem = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fastifyError.message ?? '') ? 'body: not valid JSON' : `body: ${fastifyError.message ?? 'rejected'}`;
    return new ApiError(fastifyError.statusCode, fastifyError.message ?? 'bad request', [problem], { cause: error });
  }
  return new ApiError(500, 'internal error; see the replica log', [], { cause: error });
}

