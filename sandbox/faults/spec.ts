import { z } from 'zod';
import { duration } from '../../kernel/duration.js';
import { parseWith } from '../../kernel/validate.js';
import type { AwsService } from '../shared/faults.js';

/**
 * The fault requests the sandbox accepts (`POST /faults`, `fcp sandbox fault <kind>`). Each kind
 * says which fields it takes; every request may carry `for` (a duration) after which it expires.
 */
export const FAULT_KINDS = {
  'region-down': 'the region is gone: its app refuses connections, replication to and from it stops, its AWS APIs drop requests',
  'region-hang': "the region's app and AWS APIs accept connections and never answer",
  'app-5xx': 'the app answers 5xx (default 503) in one region, or every region without --region; --ratio for a partial (gray) failure',
  'app-429': 'the app answers 429 (a rate limiter) in one region, or every region without --region; --ratio for a share of requests',
  'app-latency': 'the app answers after added latency (--latency) in one region, or every region; --ratio for a share of requests',
  'dependency-hang': 'a shared dependency hangs: every region\'s app accepts and never answers (a global failure)',
  'api-throttle': 'an emulated AWS API (--service) answers with its throttling error',
  'api-5xx': 'an emulated AWS API (--service) answers with its internal-error shape',
  'api-hang': 'an emulated AWS API (--service) accepts and never answers',
  'access-denied': "requests signed with one region's controller credentials get AccessDenied",
  'expired-token': "requests signed with one region's controller credentials get ExpiredToken",
  'vantage-cut': 'requests from one vantage point (--vantage) to one region see no route',
  'db-cut': "one region's app cannot reach the database (a network change cut it off): its reads, writes and health checks fail with 503",
  'arc-endpoint-down': 'one ARC cluster endpoint (--endpoint index or --region) drops every request',
  'store-down': 'the DynamoDB store stops listening; it comes back on the same port with its data',
  'route53-down': 'every Route 53 API call fails; DNS answers and health checks keep working',
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;

/**
 * The services whose faults the CLI and API accept (`cloudwatch` follows RDS's replication state;
 * `iam` is IAM and STS; `kms` and `s3` serve the audit checkpoints).
 */
export const AWS_SERVICES = ['route53', 'rds', 'arc', 'cloudwatch', 'iam', 'kms', 's3'] as const satisfies readonly AwsService[];

/** What a fault request may name: the deployment's regions and the ARC cluster's endpoint regions. */
export interface FaultContext {
  regions: readonly string[];
  arcEndpointRegions: readonly string[];
}

export type FaultRequest = z.output<ReturnType<typeof faultRequestSchema>>;

export function faultRequestSchema(context: FaultContext) {
  const regionList = context.regions.join(', ');
  const region = z.string().refine((value) => context.regions.includes(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a sandbox region; use one of ${regionList}`,
  });
  const expiresAfter = { for: duration({ min: 1 }).optional() };
  // A required duration: say so plainly instead of the union's generic "Invalid input".
  const requiredDuration = (example: string) =>
    z.custom<number | string>((value) => value !== undefined, `is required: give a duration such as "${example}"`).pipe(duration({ min: 1 }));
  const service = z.enum(AWS_SERVICES, `must be one of ${AWS_SERVICES.join(', ')}`);
  const apiFault = <K extends string>(kind: K) =>
    z.strictObject({ kind: z.literal(kind), service, region: region.optional(), ...expiresAfter });
  /** Share of requests an app fault hits: below 1 it is a gray failure. */
  const ratio = { ratio: z.number().gt(0, 'must be more than 0 and at most 1').max(1, 'must be more than 0 and at most 1').default(1) };
  const arcIndex = z
    .number()
    .int()
    .min(0, `must be an ARC endpoint index from 0 to ${context.arcEndpointRegions.length - 1}`)
    .max(context.arcEndpointRegions.length - 1, `must be an ARC endpoint index from 0 to ${context.arcEndpointRegions.length - 1}`);
  const arcRegion = z.string().refine((value) => context.arcEndpointRegions.includes(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is not the region of an ARC endpoint; use one of ${context.arcEndpointRegions.join(', ')}`,
  });

  return z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('region-down'), region, ...expiresAfter }),
      z.strictObject({ kind: z.literal('region-hang'), region, ...expiresAfter }),
      z.strictObject({
        kind: z.literal('app-5xx'),
        region: region.optional(),
        status: z.union([z.literal(500), z.literal(503)], 'must be 500 or 503').default(503),
        ...ratio,
        ...expiresAfter,
      }),
      z.strictObject({ kind: z.literal('app-429'), region: region.optional(), ...ratio, ...expiresAfter }),
      z.strictObject({ kind: z.literal('app-latency'), region: region.optional(), latency: requiredDuration('500ms'), ...ratio, ...expiresAfter }),
      z.strictObject({ kind: z.literal('dependency-hang'), ...expiresAfter }),
      apiFault('api-throttle'),
      apiFault('api-5xx'),
      apiFault('api-hang'),
      z.strictObject({ kind: z.literal('access-denied'), region, ...expiresAfter }),
      z.strictObject({ kind: z.literal('expired-token'), region, ...expiresAfter }),
      z.strictObject({ kind: z.literal('vantage-cut'), vantage: z.string().min(1, 'name the vantage point (e.g. us-west-2, route53-eu-west-1, client)'), region, ...expiresAfter }),
      z
        .strictObject({ kind: z.literal('arc-endpoint-down'), endpoint: arcIndex.optional(), region: arcRegion.optional(), ...expiresAfter })
        .refine((value) => (value.endpoint === undefined) !== (value.region === undefined), {
          path: ['endpoint'],
          message: 'name exactly one ARC endpoint: by index (endpoint) or by its region (region)',
        }),
      z.strictObject({ kind: z.literal('db-cut'), region, ...expiresAfter }),
      z.strictObject({ kind: z.literal('store-down'), ...expiresAfter }),
      z.strictObject({ kind: z.literal('route53-down'), ...expiresAfter }),
    ],
    { error: `kind must be one of ${Object.keys(FAULT_KINDS).join(', ')}` },
  );
}

/** Validates a fault request; throws InputError naming every bad field. */
export function parseFaultRequest(value: unknown, context: FaultContext): FaultRequest {
  return parseWith(faultRequestSchema(context), value, 'fault request');
}
