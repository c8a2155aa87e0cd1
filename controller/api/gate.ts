import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Millis } from '../../kernel/time.js';
import { roleAllows, type TokenVerifier } from './auth.js';
import type { FailureLimit } from './failure-limit.js';
import { ApiError } from './operations.js';
import type { UnauthenticatedRefusal, UnauthenticatedRefusals } from './refusals.js';

export interface GateDeps {
  verifier: TokenVerifier;
  limit: FailureLimit;
  refusals: UnauthenticatedRefusals;
  now(): Millis;
  /** Sends a refusal (and audits it when the caller is identified and the route mutating). */
  refuse(request: FastifyRequest, reply: FastifyReply, error: ApiError): Promise<FastifyReply>;
}

/** `application/json`, with or without parameters such as `charset`. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * What every call passes before its body is even read. A mutating route takes only JSON: a web page
 * on another site can send a form or `text/plain` POST without asking, but not a JSON one (that
 * needs a CORS preflight, which this API never grants), so such a POST is refused before anything
 * is recorded. Then the failure limit, the token and the role. Refusals of callers not identified
 * yet are counted and logged, never audited.
 */
export function gate(deps: GateDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const spec = request.routeOptions.config.spec;
    if (!spec) return undefined;
    const now = deps.now();
    const unauthenticated = (reason: UnauthenticatedRefusal, error: ApiError) => {
      deps.refusals.note(spec.url, reason, request.ip, now);
      return deps.refuse(request, reply, error);
    };
    if (spec.mutating && !isJson(request.headers['content-type'])) {
      return unauthenticated('not-json', new ApiError(415, 'a change is sent as JSON', ['Content-Type: send "application/json" with a JSON body']));
    }
    if (!spec.role) return undefined;
    const wait = await deps.limit.blockedFor(request.ip, now);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return unauthenticated('rate-limited', new ApiError(429, 'too many failed authentications from this address; try again later'));
    }
    const check = deps.verifier.verify(request.headers.authorization, now);
    if (!check.ok) {
      await deps.limit.recordFailure(request.ip, now);
      reply.header('www-authenticate', check.refusal === 'expired-token' ? 'Bearer error="invalid_token", error_description="the token expired"' : 'Bearer');
      return unauthenticated(check.refusal, new ApiError(401, check.message, ['Authorization: send "Bearer <token>" with a current token']));
    }
    request.principal = check.principal;
    if (!roleAllows(check.principal.role, spec.role)) {
      return deps.refuse(request, reply, new ApiError(403, `${check.principal.name} has role ${check.principal.role}; ${spec.method} ${spec.url} needs ${spec.role}`));
    }
    return undefined;
  };
}
