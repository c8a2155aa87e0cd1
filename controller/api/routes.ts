import { z } from 'zod';
import type { Role } from './auth.js';
import { operatorText } from './text.js';

/**
 * The API's routes in one table: the server wires them, the OpenAPI document describes them, the
 * tests walk them. `role` undefined means no token is needed (probes, metrics, the dashboard).
 */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify form (`:id`); the OpenAPI document shows `{id}`. */
  url: string;
  summary: string;
  role?: Role;
  /** Mutating calls need an `Idempotency-Key` and are audited, refused ones too. */
  mutating?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Response content type when not JSON. */
  produces?: string;
}

const reason = operatorText({ max: 500, empty: 'say why, for the audit trail (e.g. "us-east-1 API errors since 03:12, INC-123")' });
const note = operatorText({ max: 500, empty: 'leave the note out, or write one', multiline: true });
const region = operatorText({ max: 64, empty: 'name a configured region' });

export const flipBody = z.strictObject({ to: region, reason, force: z.boolean().default(false) });
export const failbackBody = z.strictObject({ reason, force: z.boolean().default(false) });
export const reasonBody = z.strictObject({ reason });
export const approveBody = z.strictObject({ note: note.optional() });
export const rejectBody = z.strictObject({ reason });
export const planQuery = z.strictObject({ to: region, kind: z.enum(['failover', 'switchover']).default('failover') });
export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(1).optional(),
});

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', url: '/v1/status', summary: 'Topology, verdicts with evidence, lease holder, readiness, the current decision, the latest plan and this replica', role: 'viewer' },
  { method: 'GET', url: '/v1/plan', summary: 'The decision and plan a failover or switchover to a region would get now (changes nothing)', role: 'viewer', query: planQuery },
  { method: 'POST', url: '/v1/failover', summary: 'Fail over to a region (a pending request when two-person approval is on)', role: 'operator', mutating: true, body: flipBody },
  { method: 'POST', url: '/v1/switchover', summary: 'Planned switchover to a region (a pending request when two-person approval is on)', role: 'operator', mutating: true, body: flipBody },
  { method: 'POST', url: '/v1/failback', summary: 'Return the primary role to the configured primary region', role: 'operator', mutating: true, body: failbackBody },
  { method: 'POST', url: '/v1/pause', summary: 'Pause automatic failover', role: 'operator', mutating: true, body: reasonBody },
  { method: 'POST', url: '/v1/resume', summary: 'Resume automatic failover', role: 'operator', mutating: true, body: reasonBody },
  { method: 'GET', url: '/v1/requests', summary: 'Approval requests, newest first', role: 'viewer' },
  { method: 'POST', url: '/v1/requests/:id/approve', summary: 'Approve a pending request (a different person than the requester, within the approval window)', role: 'approver', mutating: true, body: approveBody },
  { method: 'POST', url: '/v1/requests/:id/reject', summary: 'Reject a pending request', role: 'approver', mutating: true, body: rejectBody },
  { method: 'GET', url: '/v1/commands/:id', summary: 'A submitted command, what the lease holder decided, and its plan journal', role: 'viewer' },
  { method: 'GET', url: '/v1/audit', summary: 'Audit records, newest first', role: 'viewer', query: auditQuery },
  { method: 'GET', url: '/v1/events', summary: 'Server-sent events: `status` (observation summaries), `decision`, `plan` (executor events)', role: 'viewer', produces: 'text/event-stream' },
  { method: 'GET', url: '/v1/openapi.json', summary: 'This document (no token)' },
  { method: 'GET', url: '/healthz', summary: 'Liveness (no token)' },
  { method: 'GET', url: '/readyz', summary: 'Readiness: the store answers and no readiness condition is false (no token)' },
  { method: 'GET', url: '/metrics', summary: 'Prometheus metrics (no token)', produces: 'text/plain' },
  { method: 'GET', url: '/', summary: 'The dashboard (no token; it asks for one)', produces: 'text/html' },
  { method: 'GET', url: '/assets/*', summary: 'The dashboard static files (no token)', produces: 'application/octet-stream' },
];

/** The route that serves `method path` (a concrete path such as `/v1/requests/r-1/approve`), if any. */
export function routeFor(method: RouteSpec['method'], path: string): RouteSpec | undefined {
  return ROUTES.find((route) => route.method === method && new RegExp(`^${route.url.replace(/:\w+/g, '[^/]+').replace(/\*$/, '.*')}$`).test(path));
}

/** Names the field and what is wrong with it, one line per problem. */
export function describeIssues(error: z.ZodError, where: 'body' | 'query'): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : where;
    if (issue.code === 'unrecognized_keys') return `${field === where ? '' : `${field}.`}${issue.keys.join(', ')}: unknown field(s); remove them`;
    return `${field}: ${issue.message}`;
  });
}
