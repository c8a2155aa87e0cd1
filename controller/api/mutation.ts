import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Millis } from '../../kernel/time.js';
import { InputError } from '../../kernel/errors.js';
import { canonicalJson } from '../store/canonical-json.js';
import { ConflictError, StoreUnavailableError } from '../store/errors.js';
import type { AuditPhase, CommandRecord } from '../store/state-store.js';
import type { ApprovalRequest, ChangeRecord, IdempotencyStore } from '../store/api-records.js';
import { ApiError, type Answer } from './operations.js';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
/** A call that failed without an answer (5xx) leaves its key claimed; after this, a retry with the key runs again. */
const UNANSWERED_CLAIM_STALE_MS = 30_000;

export interface MutationDeps {
  idempotency: IdempotencyStore;
  /** How long a key's first answer is replayed. */
  idempotencyTtl: Millis;
  now(): Millis;
  /** Appends an audit record about the call (durable when it resolves). */
  audit(request: FastifyRequest, phase: AuditPhase, details: Record<string, unknown>): Promise<unknown>;
  /** Validates the body against the route's schema (400 naming the fields otherwise). */
  parseBody(request: FastifyRequest): unknown;
}

/**
 * The handler of a mutating route: key required, body validated, then claimed under its
 * Idempotency-Key so a repeat (on any replica) gets the first answer. The intent is audited before
 * the change, and its effect (status and what it did) after it.
 */
export function mutation(deps: MutationDeps, run: (request: FastifyRequest, body: never) => Promise<Answer>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'an Idempotency-Key header is required', ['Idempotency-Key: 1-200 letters, digits, ".", "_", ":" or "-"; a new random one per intended change (e.g. a UUID)']);
    }
    const body = deps.parseBody(request);
    const principal = request.principal!;
    const fingerprint = createHash('sha256').update(canonicalJson({ method: request.method, path: request.url, by: principal.name, body })).digest('hex');
    const claim = await deps.idempotency.claimKey(key, fingerprint, deps.now(), { staleAfterMs: UNANSWERED_CLAIM_STALE_MS, ttlMs: deps.idempotencyTtl });
    if (!claim.claimed) {
      if (claim.record.fingerprint !== fingerprint) throw new ApiError(422, 'this Idempotency-Key was used for a different call', ['Idempotency-Key: use a new key for a new change']);
      if (!claim.record.response) throw new ApiError(409, 'a call with this Idempotency-Key is still running, or failed less than 30s ago; retry shortly');
      reply.header('idempotent-replayed', 'true');
      return reply.code(claim.record.response.statusCode).send(claim.record.response.body);
    }
    let answer: Answer;
    try {
      const why = (body as { reason?: unknown }).reason;
      await deps.audit(request, 'intent', { idempotencyKey: key, body, ...(typeof why === 'string' && { reason: why }) });
      answer = await run(request, body as never);
    } catch (error) {
      const refused = toApiError(error);
      // A refusal is the call's answer too: a replay must not run it a second time.
      if (refused.statusCode < 500) await deps.idempotency.completeKey(key, { statusCode: refused.statusCode, body: { error: refused.message, problems: refused.problems } });
      throw refused;
    }
    await deps.idempotency.completeKey(key, answer);
    // The change is made: a result record that fails to append is logged, and the caller still learns the answer.
    await deps.audit(request, 'result', { idempotencyKey: key, status: answer.statusCode, ...effectOf(answer) }).catch((cause: unknown) => request.log.error({ err: cause, idempotencyKey: key }, 'audit of a call\'s result failed; the change was made'));
    request.log.info({ route: request.routeOptions.url, actor: principal.name, status: answer.statusCode }, `${request.method} ${request.routeOptions.url} by ${principal.name}: ${answer.statusCode}`);
    return reply.code(answer.statusCode).send(answer.body);
  };
}

/** What a successful call did, for its `result` record: the request, command or change it created or decided. */
function effectOf(answer: Answer): Record<string, unknown> {
  const { request, command, change } = answer.body as { request?: ApprovalRequest; command?: CommandRecord; change?: ChangeRecord };
  const parts = [
    request && `request ${request.id} ${request.status}${request.decidedBy ? ` by ${request.decidedBy}` : ''}`,
    command && `command ${command.command.id} (${command.command.kind}) ${command.status}`,
    change && `change ${change.id} (${change.commit.slice(0, 7)}, stack ${change.stack}) ${change.outcome ?? 'started'}`,
  ].filter(Boolean);
  return {
    outcome: `${answer.statusCode}: ${parts.join('; ') || 'done'}`,
    ...(request && { request: { id: request.id, status: request.status, ...(request.decidedBy && { decidedBy: request.decidedBy }) } }),
    ...(command && { command: { id: command.command.id, kind: command.command.kind, status: command.status } }),
    ...(change && { change: { id: change.id, stack: change.stack, regions: change.regions, commit: change.commit, ...(change.outcome && { outcome: change.outcome }) } }),
  };
}

/** Maps any thrown value to the answer the client gets. */
export function toApiError(error: unknown): ApiError {
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
