import { invalidInput } from '../api-error.js';
import type { HealthCheckInput } from '../health-check-config.js';
import type { HealthChecks } from '../health-checks.js';
import { child, childText, childrenNamed, leaf, tag, xmlDocument } from '../xml.js';
import type { Operation } from './operation.js';
import { markerPage, maxItems, optionalBoolean, optionalInteger, requireRoot, requiredText } from './parse.js';
import { healthCheckXml, markerPageXml } from './render.js';

const CHECK_PAGE = 100;
const NOT_EMULATED = ['AlarmIdentifier', 'InsufficientDataHealthStatus'];

/** Reads a HealthCheckConfig element into the validator's input (types only; rules live in the validator). */
function parseConfig(config: ReturnType<typeof child>): HealthCheckInput {
  if (!config) throw invalidInput('HealthCheckConfig is required');
  const path = 'HealthCheckConfig.';
  const unsupported = NOT_EMULATED.find((name) => child(config, name) !== undefined);
  if (unsupported) throw invalidInput(`${path}${unsupported}: CLOUDWATCH_METRIC health checks are not emulated by the sandbox`);
  const text = (name: string): string | undefined => childText(config, name);
  const integer = (name: string): number | undefined => optionalInteger(config, name, path);
  const flag = (name: string): boolean | undefined => optionalBoolean(config, name, path);
  const list = (outer: string, inner: string): string[] | undefined =>
    child(config, outer) === undefined ? undefined : childrenNamed(child(config, outer), inner).map((element) => element.text.trim());
  const fields: Partial<HealthCheckInput> = {
    ipAddress: text('IPAddress'),
    port: integer('Port'),
    resourcePath: text('ResourcePath'),
    fullyQualifiedDomainName: text('FullyQualifiedDomainName'),
    searchString: text('SearchString'),
    requestInterval: integer('RequestInterval'),
    failureThreshold: integer('FailureThreshold'),
    inverted: flag('Inverted'),
    disabled: flag('Disabled'),
    regions: list('Regions', 'Region'),
    healthThreshold: integer('HealthThreshold'),
    childHealthChecks: list('ChildHealthChecks', 'ChildHealthCheck'),
    routingControlArn: text('RoutingControlArn'),
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { type: requiredText(config, 'Type', path), ...defined };
}

/** CreateHealthCheck, GetHealthCheck, ListHealthChecks, DeleteHealthCheck, GetHealthCheckStatus. */
export function healthCheckOperations(checks: HealthChecks): Operation[] {
  return [
    {
      name: 'CreateHealthCheck',
      method: 'POST',
      path: /^\/2013-04-01\/healthcheck$/,
      run: ({ body }) => {
        const root = requireRoot(body, 'CreateHealthCheckRequest');
        const callerReference = requiredText(root, 'CallerReference', '');
        const { check } = checks.create(callerReference, parseConfig(child(root, 'HealthCheckConfig')));
        return {
          status: 201,
          headers: { location: `/2013-04-01/healthcheck/${check.id}` },
          body: xmlDocument('CreateHealthCheckResponse', healthCheckXml(check)),
        };
      },
    },
    {
      name: 'GetHealthCheck',
      resource: 'healthcheck',
      method: 'GET',
      path: /^\/2013-04-01\/healthcheck\/([^/]+)$/,
      run: ({ params: [id = ''] }) => ({ status: 200, body: xmlDocument('GetHealthCheckResponse', healthCheckXml(checks.get(id))) }),
    },
    {
      name: 'ListHealthChecks',
      method: 'GET',
      path: /^\/2013-04-01\/healthcheck$/,
      run: ({ query }) => {
        const limit = maxItems(query, CHECK_PAGE);
        const marker = query.get('marker');
        const { page, next } = markerPage(checks.list(), marker, limit, 'health check');
        return {
          status: 200,
          body: xmlDocument('ListHealthChecksResponse', tag('HealthChecks', page.map(healthCheckXml).join('')) + markerPageXml(marker, next, limit)),
        };
      },
    },
    {
      name: 'DeleteHealthCheck',
      resource: 'healthcheck',
      method: 'DELETE',
      path: /^\/2013-04-01\/healthcheck\/([^/]+)$/,
      run: ({ params: [id = ''] }) => {
        checks.delete(id);
        return { status: 200, body: xmlDocument('DeleteHealthCheckResponse', '') };
      },
    },
    {
      name: 'GetHealthCheckStatus',
      resource: 'healthcheck',
      method: 'GET',
      path: /^\/2013-04-01\/healthcheck\/([^/]+)\/status$/,
      run: ({ params: [id = ''] }) => {
        const observations = checks.observations(id).map((o) =>
          tag(
            'HealthCheckObservation',
            leaf('Region', o.region) + leaf('IPAddress', o.ipAddress) + tag('StatusReport', leaf('Status', o.status) + leaf('CheckedTime', o.checkedAt.toISOString())),
          ),
        );
        return { status: 200, body: xmlDocument('GetHealthCheckStatusResponse', tag('HealthCheckObservations', observations.join(''))) };
      },
    },
  ];
}
