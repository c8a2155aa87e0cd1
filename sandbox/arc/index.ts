import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../../kernel/errors.js';
import type { AwsApiFault, AwsCaller, FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import { HeldRequests, meetFault } from '../rds/transport.js';
import type { IamCheck, IamGate } from '../iam/gate.js';
import { ArcApiError, accessDenied, validationError } from './errors.js';
import { readJsonCall, sendJson, sendJsonError, type JsonObject } from './json-protocol.js';
import { RoutingControlStore, type AssertionRule, type ControlState, type GatingRule, type RoutingControl, type RuleConfig, type StateUpdate } from './routing-controls.js';
import { TokenBucket } from '../../kernel/token-bucket.js';

export type { AssertionRule, ControlState, GatingRule, RoutingControl, RuleConfig } from './routing-controls.js';

/**
 * The sandbox's ARC (Route 53 Application Recovery Controller) cluster: five regional data-plane
 * endpoints over one shared state, each its own request listener speaking the cluster API (AWS
 * JSON 1.0, `ToggleCustomerAPI`). Each endpoint is faulted on its own
 * (`faults.awsApiFault('arc', caller, index)`: the endpoint is unreachable for clients, the
 * cluster itself is fine). Like ARC, the cluster keeps accepting updates while a majority of its
 * endpoints' regions is up, and answers EndpointTemporarilyUnavailableException otherwise.
 */

export interface ArcClusterOptions {
  faults: FaultView;
  /** Number of regional endpoints. Default 5, as in ARC. */
  endpointCount?: number;
  /** Each endpoint's region: the cluster loses quorum when most of them are down (region-down faults). */
  endpointRegions?: readonly string[];
  /** Mutating calls per second each endpoint accepts (bursts of the same size). Default 3. */
  mutationsPerSecond?: number;
  clock?: () => number;
  /** IAM: each request is evaluated against its caller's policy. Default: every call allowed. */
  iam?: IamGate;
}

export interface ArcCluster {
  /** One request listener per regional endpoint, in the order of the config's `clusterEndpoints`. */
  endpoints: ReadonlyArray<(req: IncomingMessage, res: ServerResponse) => void>;
  /**
   * The usual setup for regional failover, from the config's `traffic.routingControls`: one control
   * per region, On for `onRegion` only, and an assertion rule `at-least-one-region-on` (ATLEAST 1)
   * so no update can switch every region off (ARC's guard against failing open).
   */
  seedRegionControls(routingControls: Record<string, string>, onRegion: string): void;
  /** Adds a routing control (and its control panel, taken from the ARN). Default state Off. */
  addRoutingControl(input: { arn: string; name?: string; state?: ControlState }): RoutingControl;
  addAssertionRule(input: { name: string; assertedControls: string[]; config: RuleConfig }): AssertionRule;
  addGatingRule(input: { name: string; gatingControls: string[]; targetControls: string[]; config: RuleConfig }): GatingRule;
  /** A routing control's state, for Route 53's RECOVERY_CONTROL health checks; undefined if unknown. */
  state(arn: string): ControlState | undefined;
  /** Requests served per operation, over all endpoints or for one. Faulted requests are not served. */
  callCounts(endpointIndex?: number): Record<string, number>;
  stop(): void;
}

const TARGET_PREFIX = 'ToggleCustomerAPI';
const MAX_BATCH = 10;
const MAX_RESULTS = 1000;

function faultError(fault: AwsApiFault): ArcApiError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return new ArcApiError('ThrottlingException', 429, 'Rate exceeded');
    case 'server-error':
      return new ArcApiError('InternalServerException', 500, 'Internal server error');
    case 'access-denied':
      return accessDenied('User is not authorized to perform this action');
    case 'expired-token':
      return new ArcApiError('AccessDeniedException', 403, 'The security token included in the request is expired');
    default:
      return undefined;
  }
}

// --- input readers: each names the field and the fix ---------------------------------------------

function requiredString(input: JsonObject, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw validationError('fieldValidationFailed', `${field} is required and must be a non-empty string`, field);
  }
  return value;
}

function controlState(value: unknown, field: string): ControlState {
  if (value !== 'On' && value !== 'Off') throw validationError('fieldValidationFailed', `${field} must be "On" or "Off"`, field);
  return value;
}

function overridesOf(input: JsonObject): string[] {
  const value = input.SafetyRulesToOverride ?? [];
  if (!Array.isArray(value) || !value.every((arn): arn is string => typeof arn === 'string')) {
    throw validationError('fieldValidationFailed', 'SafetyRulesToOverride must be a list of safety rule ARNs', 'SafetyRulesToOverride');
  }
  return value;
}

function batchOf(input: JsonObject): StateUpdate[] {
  const entries = input.UpdateRoutingControlStateEntries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_BATCH) {
    throw validationError('fieldValidationFailed', `UpdateRoutingControlStateEntries must list 1 to ${MAX_BATCH} entries`, 'UpdateRoutingControlStateEntries');
  }
  return entries.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) {
      throw validationError('fieldValidationFailed', `UpdateRoutingControlStateEntries[${index}] must be an object`, 'UpdateRoutingControlStateEntries');
    }
    const fields = entry as JsonObject;
    return { arn: requiredString(fields, 'RoutingControlArn'), state: controlState(fields.RoutingControlState, 'RoutingControlState') };
  });
}

/** ListRoutingControls paging: the token is the position of the next control. */
function pageStart(input: JsonObject, total: number): number {
  const token = input.NextToken;
  if (token === undefined) return 0;
  const decoded = typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const start = /^\d+$/.test(decoded) ? Number(decoded) : Number.NaN;
  if (!Number.isInteger(start) || start > total) {
    throw validationError('fieldValidationFailed', 'NextToken is not valid; pass the NextToken of the previous response', 'NextToken');
  }
  return start;
}

/** The cluster API's mutating operations: they carry the safety-rule override condition key. */
const MUTATING = new Set(['UpdateRoutingControlState', 'UpdateRoutingControlStates']);

/**
 * The IAM resources of one cluster-API request: the routing controls it reads or changes, and
 * whether it overrides safety rules (`route53-recovery-cluster:AllowSafetyRulesOverrides`).
 */
function arcIamCheck(operation: string, input: JsonObject): IamCheck {
  const entries = Array.isArray(input.UpdateRoutingControlStateEntries) ? (input.UpdateRoutingControlStateEntries as unknown[]) : [];
  const arns = [input.RoutingControlArn, ...entries.map((entry) => (entry as JsonObject | null)?.RoutingControlArn)].filter((arn): arn is string => typeof arn === 'string');
  const overrides = Array.isArray(input.SafetyRulesToOverride) && input.SafetyRulesToOverride.length > 0;
  return {
    action: `route53-recovery-cluster:${operation}`,
    resources: arns.length > 0 ? arns : ['*'],
    ...(MUTATING.has(operation) && { context: { 'route53-recovery-cluster:AllowSafetyRulesOverrides': overrides } }),
  };
}

export function createArcCluster(options: ArcClusterOptions): ArcCluster {
  const { faults } = options;
  const count = options.endpointCount ?? 5;
  const clock = options.clock ?? Date.now;
  const store = new RoutingControlStore();
  const held = new HeldRequests();
  const counts = Array.from({ length: count }, () => new Map<string, number>());
  const buckets = Array.from({ length: count }, () => {
    const rate = options.mutationsPerSecond ?? 3;
    return new TokenBucket(rate, rate, clock);
  });

  /**
   * ARC's cluster needs a majority of its regional replicas to accept an update. An endpoint that
   * clients cannot reach (`arc-endpoint-down`) still counts: only its region being down does not.
   */
  function quorum(): boolean {
    const regions = options.endpointRegions ?? [];
    let up = 0;
    for (let index = 0; index < count; index++) {
      const region = regions[index];
      if (region === undefined || !faults.regionDown(region)) up++;
    }
    return up > count / 2;
  }

  const readOperations = new Map<string, (input: JsonObject) => JsonObject>(Object.entries({
    GetRoutingControlState: (input) => {
      const control = store.control(requiredString(input, 'RoutingControlArn'));
      return { RoutingControlArn: control.arn, RoutingControlState: control.state, RoutingControlName: control.name };
    },
    ListRoutingControls: (input) => {
      const panelArn = input.ControlPanelArn;
      if (panelArn !== undefined && typeof panelArn !== 'string') throw validationError('fieldValidationFailed', 'ControlPanelArn must be a string', 'ControlPanelArn');
      const max = input.MaxResults ?? MAX_RESULTS;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
        throw validationError('fieldValidationFailed', `MaxResults must be an integer from 1 to ${MAX_RESULTS}`, 'MaxResults');
      }
      const controls = store.list(panelArn);
      const start = pageStart(input, controls.length);
      const end = start + max;
      return {
        RoutingControls: controls.slice(start, end).map((c) => ({
          ControlPanelArn: c.controlPanelArn,
          ControlPanelName: store.panel(c.controlPanelArn).name,
          RoutingControlArn: c.arn,
          RoutingControlName: c.name,
          RoutingControlState: c.state,
          Owner: c.owner,
        })),
        ...(end < controls.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
      };
    },
  }));

  const updateOperations = new Map<string, (input: JsonObject) => JsonObject>(Object.entries({
    UpdateRoutingControlState: (input) => {
      const update = { arn: requiredString(input, 'RoutingControlArn'), state: controlState(input.RoutingControlState, 'RoutingControlState') };
      store.update([update], overridesOf(input));
      return {};
    },
    UpdateRoutingControlStates: (input) => {
      store.update(batchOf(input), overridesOf(input));
      return {};
    },
  }));

  function invoke(index: number, caller: AwsCaller, operation: string, input: JsonObject): JsonObject {
    const read = readOperations.get(operation);
    if (read) return read(input);
    const update = updateOperations.get(operation);
    if (!update) throw validationError('unknownOperation', `Unknown operation ${operation}`);
    if (!buckets[index]?.tryTake()) throw new ArcApiError('ThrottlingException', 429, 'Rate exceeded: too many updates on this endpoint; retry on another endpoint or later');
    if (!quorum()) {
      throw new ArcApiError('EndpointTemporarilyUnavailableException', 503, 'The cluster cannot reach a majority of its endpoints; try again later');
    }
    return update(input);
  }

  async function serve(index: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = callerFromAuthorization(req.headers.authorization);
    const faulted = meetFault(faults.awsApiFault('arc', caller, index), req, res, held, faultError);
    if (faulted === 'handled') return;
    if (faulted) {
      sendJsonError(res, faulted.toJson());
      return;
    }
    try {
      const call = await readJsonCall(req, TARGET_PREFIX);
      if (!call.ok) throw validationError(call.reason, call.message);
      const denial = options.iam?.authorize(caller, arcIamCheck(call.operation, call.input));
      if (denial) throw accessDenied(denial.message);
      const served = counts[index];
      served?.set(call.operation, (served.get(call.operation) ?? 0) + 1);
      sendJson(res, 200, invoke(index, caller, call.operation, call.input));
    } catch (error) {
      sendJsonError(res, (error instanceof ArcApiError ? error : new ArcApiError('InternalServerException', 500, 'Internal server error')).toJson());
    }
  }

  return {
    endpoints: Array.from({ length: count }, (_, index) => (req: IncomingMessage, res: ServerResponse) => void serve(index, req, res)),
    seedRegionControls: (routingControls, onRegion) => {
      if (!(onRegion in routingControls)) {
        throw new InputError(`onRegion "${onRegion}" has no routing control; pick one of ${Object.keys(routingControls).join(', ')}`);
      }
      const arns = Object.entries(routingControls).map(([region, arn]) => store.addRoutingControl({ arn, name: region, state: region === onRegion ? 'On' : 'Off' }).arn);
      store.addAssertionRule({ name: 'at-least-one-region-on', assertedControls: arns, config: { type: 'ATLEAST', threshold: 1, inverted: false } });
    },
    addRoutingControl: (input) => store.addRoutingControl(input),
    addAssertionRule: (input) => store.addAssertionRule(input),
    addGatingRule: (input) => store.addGatingRule(input),
    state: (arn) => store.state(arn),
    callCounts: (endpointIndex) => {
      const total: Record<string, number> = {};
      counts.forEach((served, index) => {
        if (endpointIndex !== undefined && index !== endpointIndex) return;
        for (const [operation, n] of served) total[operation] = (total[operation] ?? 0) + n;
      });
      return total;
    },
    stop: () => held.releaseAll(),
  };
}
