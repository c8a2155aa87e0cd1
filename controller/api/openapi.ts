import { z } from 'zod';
import { ROUTES, type RouteSpec } from './routes.js';

const ERROR = { type: 'object', properties: { error: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } }, required: ['error'] };
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

/** The OpenAPI 3.1 document of the routes in ROUTES, bodies and queries from their zod schemas. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const path = route.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{file}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Failover control plane API',
      version,
      description:
        'Every replica serves this API. Send `Authorization: Bearer <token>`; roles nest (approver > operator > viewer). ' +
        '`/healthz`, `/readyz`, `/metrics`, this document and the dashboard files need no token. Mutating calls need an ' +
        '`Idempotency-Key` header and a JSON body (`Content-Type: application/json`, else 415): repeating a key within ' +
        '`api.idempotencyTtl` returns the first answer (from any replica). Repeated authentication failures from one ' +
        'address, counted across all replicas, are refused with 429. Only identified callers\' calls are audited.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

function operation(route: RouteSpec): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const match of route.url.matchAll(/:(\w+)/g)) parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  if (route.url.endsWith('*')) parameters.push({ name: 'file', in: 'path', required: true, schema: { type: 'string' } });
  if (route.query) {
    const schema = z.toJSONSchema(route.query, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property });
    }
  }
  if (route.mutating) parameters.push({ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } });
  const responses: Record<string, unknown> = {
    [route.mutating ? '202' : '200']: route.produces ? { description: 'OK', content: { [route.produces]: {} } } : { description: 'OK', ...json({ type: 'object' }) },
  };
  if (route.body || route.query || route.mutating) responses['400'] = { description: 'Bad input: the problems name the field', ...json(ERROR) };
  if (route.role) {
    responses['401'] = { description: 'Missing, unknown or expired token', ...json(ERROR) };
    responses['403'] = { description: `Needs role ${route.role}`, ...json(ERROR) };
    responses['429'] = { description: 'Too many failed authentications from this address', ...json(ERROR) };
  }
  if (route.mutating) {
    responses['409'] = { description: 'Refused: conflicting state, guard, or a call with this key still running', ...json(ERROR) };
    responses['415'] = { description: 'The body was not sent as application/json (checked before authentication)', ...json(ERROR) };
  }
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(route.role && { security: [{ bearer: [] }], 'x-required-role': route.role }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && { requestBody: { required: true, ...json(z.toJSONSchema(route.body, { io: 'input' })) } }),
    responses,
  };
}
