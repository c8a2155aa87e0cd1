import { SimulatePrincipalPolicyCommand, type ContextEntry, type EvaluationResult } from '@aws-sdk/client-iam';
import { callerIdentity } from '../aws/identity.js';
import type { AwsCaller } from '../aws/caller.js';
import { IAM_CONTROL_REGION } from '../aws/clients.js';
import type { Config } from '../config/schema.js';
import { formatDuration, type Millis } from '../../kernel/time.js';
import type { Condition, RegionName } from '../domain/types.js';
import { describeError } from '../../kernel/errors.js';
import type { StepBudget } from '../ports.js';

/**
 * Readiness proves write permissions, not only reads: every action the plans this replica could run
 * would call, on the resources they would call it on, is simulated for the replica's own role with
 * IAM's `SimulatePrincipalPolicy` (DESIGN.md: a rollback once failed on a permission nothing had
 * exercised). A denied action is a `false` condition naming it. IAM's control plane is global and may
 * be down in the very outage: then the proof is `unknown` and its last answer stands.
 */

/** One action a plan calls on one resource, with the condition keys the call carries. */
export interface PermissionNeed {
  action: string;
  resource: string;
  context?: ContextEntry[];
  /** The target region whose plan needs it; undefined when every plan does. */
  target?: RegionName;
}

const arnAccount = (arn: string) => arn.split(':')[4] ?? '';
const arnPartition = (arn: string) => arn.split(':')[1] ?? 'aws';
const zoneArn = (id: string) => `arn:aws:route53:::hostedzone/${id.replace(/^\/hostedzone\//, '')}`;
/** Change ids are minted per change; any one stands for all. */
const ANY_CHANGE = 'arn:aws:route53:::change/C0000000000000';

function recordChange(zoneId: string, names: readonly string[], type: string): PermissionNeed[] {
  const context: ContextEntry[] = [
    { ContextKeyName: 'route53:ChangeResourceRecordSetsNormalizedRecordNames', ContextKeyType: 'stringList', ContextKeyValues: names.map((n) => n.toLowerCase().replace(/\.$/, '')) },
    { ContextKeyName: 'route53:ChangeResourceRecordSetsRecordTypes', ContextKeyType: 'stringList', ContextKeyValues: [type] },
    { ContextKeyName: 'route53:ChangeResourceRecordSetsActions', ContextKeyType: 'stringList', ContextKeyValues: ['UPSERT'] },
  ];
  return [
    { action: 'route53:ListResourceRecordSets', resource: zoneArn(zoneId) },
    { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(zoneId), context },
    { action: 'route53:GetChange', resource: ANY_CHANGE },
  ];
}

/** Every (action, resource) of every plan this replica could execute, from the config. */
export function planPermissions(config: Config, replicaRegion: RegionName): PermissionNeed[] {
  const { database, traffic } = config;
  const clusterArns = Object.entries(database.clusters);
  const someArn = clusterArns[0]?.[1].arn ?? '';
  const globalArn = `arn:${arnPartition(someArn)}:rds::${arnAccount(someArn)}:global-cluster:${database.globalClusterIdentifier}`;
  const records = database.endpointRecords;
  const needs: PermissionNeed[] = [
    { action: 'rds:DescribeGlobalClusters', resource: globalArn },
    { action: 'cloudwatch:GetMetricData', resource: '*' },
    ...clusterArns.map(([, cluster]) => ({ action: 'rds:DescribeDBClusters', resource: cluster.arn })),
    ...clusterArns.flatMap(([region, cluster]) =>
      ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'].flatMap((action) => [
        { action, resource: globalArn, target: region },
        { action, resource: cluster.arn, target: region },
      ]),
    ),
    ...recordChange(records.hostedZoneId, [records.writer, ...Object.values(records.readers)], 'CNAME'),
  ];
  if (traffic.mechanism === 'arc') {
    const noOverride: ContextEntry[] = [{ ContextKeyName: 'route53-recovery-cluster:AllowSafetyRulesOverrides', ContextKeyType: 'boolean', ContextKeyValues: ['false'] }];
    for (const arn of Object.values(traffic.routingControls)) {
      needs.push({ action: 'route53-recovery-cluster:GetRoutingControlState', resource: arn });
      needs.push({ action: 'route53-recovery-cluster:UpdateRoutingControlStates', resource: arn, context: noOverride });
    }
  } else {
    needs.push(...recordChange(traffic.hostedZoneId, [traffic.publicName], traffic.recordType));
  }
  // The journal and the topology: the state table's replica in this replica's region.
  const table = `arn:${arnPartition(someArn)}:dynamodb:${replicaRegion}:${arnAccount(someArn)}:table/${config.store.tableName}`;
  for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) needs.push({ action, resource: table });
  return needs;
}

/** `arn:aws:sts::1:assumed-role/Role/session` -> `arn:aws:iam::1:role/Role`: the principal IAM simulates. */
export function principalOf(callerArn: string): string {
  const assumed = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : callerArn;
}

export interface PermissionProofOptions {
  caller: AwsCaller;
  /** The replica's region: STS is asked there. */
  region: RegionName;
  needs: PermissionNeed[];
  /** How long a proof with everything allowed stands before it is made again. */
  provenFor?: Millis;
  /** Likewise for a proof with a denial: sooner, so a fixed role shows soon. */
  deniedFor?: Millis;
}

interface Denied {
  need: PermissionNeed;
  decision: string;
}

interface Proof {
  at: Millis;
  principal: string;
  denied: Denied[];
}

/** Runs the simulation for one replica and keeps its last good answer. */
export class PermissionProof {
  private principal: string | undefined;
  private last: Proof | undefined;
  private readonly provenFor: Millis;
  private readonly deniedFor: Millis;

  constructor(private readonly options: PermissionProofOptions) {
    this.provenFor = options.provenFor ?? 5 * 60_000;
    this.deniedFor = options.deniedFor ?? 30_000;
  }

  /** The readiness conditions of the permission proof, made anew when the last one is due. */
  async conditions(budget: StepBudget): Promise<Condition[]> {
    const now = this.options.caller.clock.now();
    const last = this.last;
    const due = !last || now - last.at >= (last.denied.length > 0 ? this.deniedFor : this.provenFor);
    if (!due) return this.render(last);
    try {
      this.last = await this.prove(budget);
      return this.render(this.last);
    } catch (error) {
      const kept = last ? `; the last proof (${formatDuration(now - last.at)} ago) stands` : '; nothing has been proven yet';
      const unknown: Condition = { type: 'PermissionsProven', status: 'unknown', reason: 'IamUnreachable', message: `IAM could not simulate the role: ${describeError(error)}${kept}`, at: now };
      return [unknown, ...(last ? this.denials(last) : [])];
    }
  }

  private async prove(budget: StepBudget): Promise<Proof> {
    const { caller } = this.options;
    this.principal ??= principalOf(await this.whoAmI(budget));
    const principal = this.principal;
    // One simulation per resource, so each answer is about exactly that resource.
    const byResource = new Map<string, PermissionNeed[]>();
    for (const need of this.options.needs) byResource.set(need.resource, [...(byResource.get(need.resource) ?? []), need]);
    const answers = await Promise.all(
      [...byResource].map(async ([resource, needs]) => {
        const actions = [...new Set(needs.map((n) => n.action))];
        const context = needs.flatMap((n) => n.context ?? []);
        const answer = await caller.call(
          { service: 'iam', operation: 'SimulatePrincipalPolicy', region: IAM_CONTROL_REGION },
          (clients, signal) =>
            clients.iam().send(
              new SimulatePrincipalPolicyCommand({ PolicySourceArn: principal, ActionNames: actions, ResourceArns: [resource], MaxItems: 1000, ...(context.length > 0 && { ContextEntries: context }) }),
              { abortSignal: signal },
            ),
          budget,
        );
        return { needs, results: answer.EvaluationResults ?? [] };
      }),
    );
    const denied = answers.flatMap(({ needs, results }) =>
      needs.flatMap((need): Denied[] => {
        const decision = decisionFor(results, need.action);
        return decision === 'allowed' ? [] : [{ need, decision }];
      }),
    );
    return { at: caller.clock.now(), principal, denied };
  }

  private whoAmI(budget: StepBudget): Promise<string> {
    return callerIdentity(this.options.caller, this.options.region, budget);
  }


  private render(proof: Proof): Condition[] {
    if (proof.denied.length > 0) return this.denials(proof);
    const actions = new Set(this.options.needs.map((n) => n.action)).size;
    return [{ type: 'PermissionsProven', status: 'true', reason: 'Allowed', message: `IAM allows ${proof.principal} every one of the ${actions} actions the plans call, on their resources`, at: proof.at }];
  }

  /** One false condition per denied action (and target region, when only that region's plan needs it). */
  private denials(proof: Proof): Condition[] {
    const grouped = new Map<string, Denied[]>();
    for (const denied of proof.denied) {
      const key = `${denied.need.action}|${denied.need.target ?? ''}`;
      grouped.set(key, [...(grouped.get(key) ?? []), denied]);
    }
    return [...grouped.values()].map((group) => {
      const { action, target } = group[0]!.need;
      const resources = group.map((d) => d.need.resource).join(', ');
      const plans = target ? `a failover or switchover to ${target}` : 'every failover and switchover';
      return {
        type: 'PermissionAllowed',
        status: 'false',
        reason: group[0]!.decision === 'explicitDeny' ? 'ExplicitDeny' : 'ImplicitDeny',
        message: `${action} is not allowed for ${proof.principal} on ${resources}: ${plans} would fail at it`,
        at: proof.at,
        ...(target && { region: target }),
      };
    });
  }
}

/** The decision for `action` (IAM answers action names as they were asked). */
function decisionFor(results: readonly EvaluationResult[], action: string): string {
  const result = results.find((r) => r.EvalActionName?.toLowerCase() === action.toLowerCase());
  return result?.EvalDecision ?? 'implicitDeny';
}
