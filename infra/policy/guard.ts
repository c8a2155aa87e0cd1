import { TAG_REGION_ROLE } from '../components/providers.js';
import { MAX_RECORD_TTL } from '../settings.js';
import { PROVIDER_TYPE, type Inventory, type InventoryResource } from '../synth/inventory.js';
import { checkRoleFitsCode, RULE_ID as ROLE_FIT_RULE } from './role-fits-code.js';

/**
 * The policy guard: rules every deployment must keep, checked on a resource inventory (from the
 * offline synth, or from `pulumi preview` through the policy pack in ./pack). Each rule returns
 * its violations; an empty list means the rule holds.
 */

export interface Violation {
  rule: string;
  /** The offending resource, when there is one. */
  resource?: { type: string; name: string; region: string | null };
  message: string;
}

export interface GuardRule {
  id: string;
  description: string;
  check(inventory: Inventory): Violation[] | Promise<Violation[]>;
}

const T = {
  globalCluster: 'aws:rds/globalCluster:GlobalCluster',
  cluster: 'aws:rds/cluster:Cluster',
  instance: 'aws:rds/clusterInstance:ClusterInstance',
  record: 'aws:route53/record:Record',
  zone: 'aws:route53/zone:Zone',
  table: 'aws:dynamodb/table:Table',
  ecsService: 'aws:ecs/service:Service',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  policy: 'aws:iam/policy:Policy',
  role: 'aws:iam/role:Role',
} as const;

const MIN_BACKUP_DAYS = 7;

type Props = Record<string, unknown>;
const ofType = (inventory: Inventory, type: string) => inventory.resources.filter((r) => r.type === type);
const at = (resource: InventoryResource) => ({ type: resource.type, name: resource.name, region: resource.region });
const asObject = (value: unknown): Props | undefined => {
  const parsed = typeof value === 'string' && /^\s*\{/.test(value) ? safeJson(value) : value;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Props) : undefined;
};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The deployment's regions: those whose provider is tagged primary or standby (control-plane-only regions are not). */
export function deploymentRegions(inventory: Inventory): string[] {
  const regions = new Set<string>();
  for (const provider of ofType(inventory, PROVIDER_TYPE)) {
    const tags = asObject(asObject(provider.props.defaultTags)?.tags);
    const role = tags?.[TAG_REGION_ROLE];
    if ((role === 'primary' || role === 'standby') && provider.region) regions.add(provider.region);
  }
  return [...regions].sort();
}

const explicitProviders: GuardRule = {
  id: 'explicit-provider',
  description: 'Every resource names an explicit regional provider, never the default provider',
  check: (inventory) =>
    inventory.resources
      .filter((r) => r.type !== PROVIDER_TYPE && r.region === null)
      .map((r) => ({ rule: 'explicit-provider', resource: at(r), message: 'uses the default provider; pass an explicit regional aws.Provider' })),
};

const databaseProtected: GuardRule = {
  id: 'database-encrypted-protected',
  description: 'Every DB cluster and global cluster is encrypted, deletion-protected and backed up',
  check: (inventory) => {
    const violations: Violation[] = [];
    const flag = (r: InventoryResource, message: string) => violations.push({ rule: 'database-encrypted-protected', resource: at(r), message });
    for (const r of [...ofType(inventory, T.globalCluster), ...ofType(inventory, T.cluster)]) {
      if (r.props.storageEncrypted !== true) flag(r, 'storage is not encrypted (storageEncrypted must be true)');
      if (r.props.deletionProtection !== true) flag(r, 'deletion protection is off (deletionProtection must be true)');
    }
    for (const r of ofType(inventory, T.cluster)) {
      if (typeof r.props.kmsKeyId !== 'string' || r.props.kmsKeyId === '') flag(r, 'has no KMS key of its own region (kmsKeyId)');
      const days = r.props.backupRetentionPeriod;
      if (typeof days !== 'number' || days < MIN_BACKUP_DAYS) flag(r, `keeps ${String(days ?? 'the default 1')} day(s) of backups; keep at least ${MIN_BACKUP_DAYS}`);
    }
    return violations;
  },
};

const globalDatabaseSpansRegions: GuardRule = {
  id: 'global-database-spans-regions',
  description: 'The global database has clusters in at least two regions, each with instances and the same engine version',
  check: (inventory) => {
    const violations: Violation[] = [];
    const globals = ofType(inventory, T.globalCluster);
    const instances = ofType(inventory, T.instance);
    if (globals.length === 0) violations.push({ rule: 'global-database-spans-regions', message: 'there is no Aurora global cluster' });
    for (const global of globals) {
      const flag = (r: InventoryResource, message: string) => violations.push({ rule: 'global-database-spans-regions', resource: at(r), message });
      const members = ofType(inventory, T.cluster).filter((c) => c.props.globalClusterIdentifier === global.props.globalClusterIdentifier);
      const regions = new Set(members.map((m) => m.region));
      if (regions.size < 2) flag(global, `has member clusters in ${regions.size} region(s); a hot standby needs at least two`);
      for (const member of members) {
        const count = instances.filter((i) => i.props.clusterIdentifier === member.props.clusterIdentifier).length;
        if (count === 0) flag(member, 'has no instances: a headless secondary cannot be promoted');
        if (member.props.engineVersion !== global.props.engineVersion) {
          flag(member, `runs engine ${String(member.props.engineVersion)} but the global cluster runs ${String(global.props.engineVersion)}; switchover needs equal versions`);
        }
      }
    }
    return violations;
  },
};

/** Names of the private hosted zones (zones associated with a VPC). */
function privateZoneNames(inventory: Inventory): string[] {
  return ofType(inventory, T.zone)
    .filter((zone) => asArray(zone.props.vpcs).length > 0 && typeof zone.props.name === 'string')
    .map((zone) => String(zone.props.name).replace(/\.$/, '').toLowerCase());
}

const TRAFFIC_RECORD_TYPES = new Set(['A', 'AAAA', 'CNAME']);

const publicRecordsHealthChecked: GuardRule = {
  id: 'public-records-health-checked',
  description: `Every public traffic record (A, AAAA or CNAME outside the private zones) has a health check and a TTL of ${MAX_RECORD_TTL} s or less`,
  check: (inventory) => {
    const privateZones = privateZoneNames(inventory);
    const isPrivate = (name: string) => privateZones.some((zone) => name === zone || name.endsWith(`.${zone}`));
    return ofType(inventory, T.record)
      .filter((r) => TRAFFIC_RECORD_TYPES.has(String(r.props.type)) && !isPrivate(String(r.props.name ?? '').replace(/\.$/, '').toLowerCase()))
      .flatMap((r) => {
        const found: Violation[] = [];
        if (typeof r.props.healthCheckId !== 'string' || r.props.healthCheckId === '') {
          found.push({ rule: 'public-records-health-checked', resource: at(r), message: 'has no health check: Route 53 would keep sending traffic to a failed region' });
        }
        const ttl = r.props.ttl;
        if (typeof ttl !== 'number' || ttl > MAX_RECORD_TTL) {
          found.push({ rule: 'public-records-health-checked', resource: at(r), message: `has TTL ${String(ttl)}; at most ${MAX_RECORD_TTL} so a flip reaches clients quickly` });
        }
        return found;
      });
  },
};

/** Every IAM policy document the resource carries, as parsed JSON. */
function policyDocuments(r: InventoryResource): Props[] {
  const documents: unknown[] = [];
  if (r.type === T.rolePolicy || r.type === T.policy) documents.push(r.props.policy);
  if (r.type === T.role) documents.push(...asArray(r.props.inlinePolicies).map((p) => asObject(p)?.policy));
  return documents.map(asObject).filter((d): d is Props => d !== undefined);
}

const noWildcardActions: GuardRule = {
  id: 'no-wildcard-actions',
  description: 'No IAM policy grants a wildcard action or uses NotAction',
  check: (inventory) =>
    inventory.resources.flatMap((r) =>
      policyDocuments(r).flatMap((document) =>
        asArray(document.Statement).flatMap((statement) => {
          const s = asObject(statement) ?? {};
          const found: Violation[] = [];
          const actions = typeof s.Action === 'string' ? [s.Action] : asArray(s.Action).map(String);
          for (const action of actions.filter((a) => a.includes('*'))) {
            found.push({ rule: 'no-wildcard-actions', resource: at(r), message: `grants the wildcard action "${action}"; list the actions it needs` });
          }
          if (s.NotAction !== undefined) found.push({ rule: 'no-wildcard-actions', resource: at(r), message: 'uses NotAction, which grants everything not listed' });
          return found;
        }),
      ),
    ),
};

const stateTableReplicated: GuardRule = {
  id: 'state-table-replicated',
  description: 'The state table has point-in-time recovery, deletion protection and a replica in every region',
  check: (inventory) => {
    const violations: Violation[] = [];
    const tables = ofType(inventory, T.table);
    if (tables.length === 0) violations.push({ rule: 'state-table-replicated', message: 'there is no DynamoDB state table' });
    const regions = deploymentRegions(inventory);
    for (const table of tables) {
      const flag = (message: string) => violations.push({ rule: 'state-table-replicated', resource: at(table), message });
      if (asObject(table.props.pointInTimeRecovery)?.enabled !== true) flag('point-in-time recovery is off');
      if (table.props.deletionProtectionEnabled !== true) flag('deletion protection is off');
      const replicas = asArray(table.props.replicas).map((replica) => asObject(replica) ?? {});
      const covered = new Set([table.region, ...replicas.map((replica) => replica.regionName)]);
      for (const region of regions) if (!covered.has(region)) flag(`has no replica in ${region}`);
      for (const replica of replicas) {
        if (replica.pointInTimeRecovery !== true) flag(`the replica in ${String(replica.regionName)} has point-in-time recovery off`);
      }
    }
    return violations;
  },
};

const controllerInEveryRegion: GuardRule = {
  id: 'controller-in-every-region',
  description: 'Every region of the deployment runs a controller service',
  check: (inventory) => {
    const regions = deploymentRegions(inventory);
    if (regions.length === 0) {
      return [{ rule: 'controller-in-every-region', message: `no provider is tagged ${TAG_REGION_ROLE}=primary|standby, so the deployment's regions are unknown` }];
    }
    const running = new Set(
      ofType(inventory, T.ecsService)
        .filter((s) => typeof s.props.desiredCount === 'number' && s.props.desiredCount >= 1)
        .map((s) => s.region),
    );
    return regions
      .filter((region) => !running.has(region))
      .map((region) => ({ rule: 'controller-in-every-region', message: `${region} has no controller service with a running task: it could neither see nor act on a failure` }));
  },
};

const controllerRoleFitsCode: GuardRule = {
  id: ROLE_FIT_RULE,
  description: 'The controller task role allows every action the controller code sends, names only real IAM actions and grants no unused write action',
  check: async (inventory) => (await checkRoleFitsCode(inventory)).map((v) => ({ rule: ROLE_FIT_RULE, resource: at(v.resource), message: v.message })),
};

export const GUARD_RULES: readonly GuardRule[] = [
  explicitProviders,
  databaseProtected,
  globalDatabaseSpansRegions,
  publicRecordsHealthChecked,
  noWildcardActions,
  stateTableReplicated,
  controllerInEveryRegion,
  controllerRoleFitsCode,
];

export async function checkInventory(inventory: Inventory): Promise<Violation[]> {
  return (await Promise.all(GUARD_RULES.map((rule) => rule.check(inventory)))).flat();
}

export function formatViolation(violation: Violation): string {
  const where = violation.resource ? ` ${violation.resource.type} ${violation.resource.name} (${violation.resource.region ?? 'default provider'}):` : '';
  return `[${violation.rule}]${where} ${violation.message}`;
}
