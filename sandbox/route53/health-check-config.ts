import { isIP } from 'node:net';
import { invalidInput } from './api-error.js';
import { nameProblem } from './names.js';

/** The regions Route 53 checks from; each is one emulated checker (one vantage point). */
export const CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'] as const;

export const ENDPOINT_TYPES = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'] as const;
export const HEALTH_CHECK_TYPES = [...ENDPOINT_TYPES, 'CALCULATED', 'RECOVERY_CONTROL'] as const;
export type EndpointCheckType = (typeof ENDPOINT_TYPES)[number];
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

/** A validated health check configuration, with Route 53's defaults filled in. */
export interface HealthCheckConfig {
  type: HealthCheckType;
  ipAddress?: string;
  port?: number;
  resourcePath?: string;
  fullyQualifiedDomainName?: string;
  searchString?: string;
  /** Seconds between checks from each checker: 10 or 30, fixed at creation. */
  requestInterval: 10 | 30;
  /** Consecutive results that flip one checker's view. */
  failureThreshold: number;
  inverted: boolean;
  /** A disabled check is always healthy and does not probe. */
  disabled: boolean;
  /** The checker regions in use (all eight unless the caller chose at least three). */
  regions: string[];
  healthThreshold?: number;
  childHealthChecks?: string[];
  routingControlArn?: string;
}

/** What a caller may send; strings from XML are converted by the API layer first. */
export interface HealthCheckInput {
  type: string;
  ipAddress?: string;
  port?: number;
  resourcePath?: string;
  fullyQualifiedDomainName?: string;
  searchString?: string;
  requestInterval?: number;
  failureThreshold?: number;
  inverted?: boolean;
  disabled?: boolean;
  regions?: string[];
  healthThreshold?: number;
  childHealthChecks?: string[];
  routingControlArn?: string;
}

export const isEndpointCheck = (type: HealthCheckType): type is EndpointCheckType => (ENDPOINT_TYPES as readonly string[]).includes(type);

function endpointFields(input: HealthCheckInput, type: EndpointCheckType): Partial<HealthCheckConfig> {
  if (input.ipAddress === undefined && input.fullyQualifiedDomainName === undefined) {
    throw invalidInput(`a ${type} health check needs IPAddress or FullyQualifiedDomainName`);
  }
  // Route 53 refuses private and loopback addresses; the sandbox's endpoints are all loopback.
  if (input.ipAddress !== undefined && isIP(input.ipAddress) === 0) throw invalidInput(`IPAddress "${input.ipAddress}" is not an IPv4 or IPv6 address`);
  if (input.fullyQualifiedDomainName !== undefined && nameProblem(input.fullyQualifiedDomainName)) {
    throw invalidInput(`FullyQualifiedDomainName "${input.fullyQualifiedDomainName}" is not a domain name`);
  }
  if (type === 'TCP' && input.port === undefined) throw invalidInput('a TCP health check needs a Port');
  const port = input.port ?? (type.startsWith('HTTPS') ? 443 : 80);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidInput('Port must be between 1 and 65535');
  const matches = type.endsWith('_STR_MATCH');
  if (matches && !input.searchString) throw invalidInput(`a ${type} health check needs a SearchString`);
  if (input.searchString !== undefined && input.searchString.length > 255) throw invalidInput('SearchString must be at most 255 characters');
  if (input.resourcePath !== undefined && (input.resourcePath.length > 255 || type === 'TCP')) {
    throw invalidInput('ResourcePath is for HTTP(S) checks and must be at most 255 characters');
  }
  return {
    ...(input.ipAddress === undefined ? {} : { ipAddress: input.ipAddress }),
    port,
    ...(type === 'TCP' ? {} : { resourcePath: input.resourcePath ?? '/' }),
    ...(input.fullyQualifiedDomainName === undefined ? {} : { fullyQualifiedDomainName: input.fullyQualifiedDomainName }),
    ...(matches ? { searchString: input.searchString } : {}),
  };
}

/**
 * Validates a CreateHealthCheck configuration the way Route 53 does and fills in its defaults.
 * `healthCheckExists` checks the children of a CALCULATED check. Throws InvalidInput naming the field.
 */
export function validateHealthCheckConfig(input: HealthCheckInput, healthCheckExists: (id: string) => boolean): HealthCheckConfig {
  const type = HEALTH_CHECK_TYPES.find((t) => t === input.type);
  if (type === undefined) {
    throw invalidInput(`Type "${input.type}" is not one the sandbox emulates; use one of ${HEALTH_CHECK_TYPES.join(', ')}`);
  }
  const requestInterval = input.requestInterval ?? 30;
  if (requestInterval !== 10 && requestInterval !== 30) throw invalidInput('RequestInterval must be 10 or 30 (seconds)');
  const failureThreshold = input.failureThreshold ?? 3;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) throw invalidInput('FailureThreshold must be between 1 and 10');
  const regions = input.regions ?? [...CHECKER_REGIONS];
  const unknownRegion = regions.find((r) => !(CHECKER_REGIONS as readonly string[]).includes(r));
  if (unknownRegion !== undefined) throw invalidInput(`Regions: "${unknownRegion}" is not a health checker region (${CHECKER_REGIONS.join(', ')})`);
  if (new Set(regions).size < 3) throw invalidInput('Regions: choose at least three distinct health checker regions');
  const base = { type, requestInterval, failureThreshold, inverted: input.inverted ?? false, disabled: input.disabled ?? false, regions } as const;

  if (isEndpointCheck(type)) return { ...base, ...endpointFields(input, type) };
  if (type === 'CALCULATED') {
    const children = input.childHealthChecks ?? [];
    if (children.length > 256) throw invalidInput('ChildHealthChecks: at most 256 child health checks');
    const missing = children.find((id) => !healthCheckExists(id));
    if (missing !== undefined) throw invalidInput(`ChildHealthChecks: health check ${missing} does not exist`);
    const healthThreshold = input.healthThreshold;
    if (healthThreshold === undefined || !Number.isInteger(healthThreshold) || healthThreshold < 0 || healthThreshold > 256) {
      throw invalidInput('a CALCULATED health check needs HealthThreshold between 0 and 256');
    }
    return { ...base, childHealthChecks: children, healthThreshold };
  }
  const arn = input.routingControlArn;
  if (arn === undefined || !/^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/.+\/routingcontrol\/.+$/.test(arn)) {
    throw invalidInput('a RECOVERY_CONTROL health check needs RoutingControlArn, a routing control ARN');
  }
  return { ...base, routingControlArn: arn };
}
