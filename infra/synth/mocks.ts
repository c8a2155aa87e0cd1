import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { PROVIDER_TYPE, type InventoryResource } from './inventory.js';

/**
 * Pulumi mocks that stand in for AWS during a synth: every resource gets a deterministic id and the
 * computed attributes the program reads (ARNs, endpoints, zone ids), shaped like AWS's so that the
 * rendered controller config validates. Nothing leaves the process.
 */

export { MOCK_ACCOUNT } from './mock-account.js';
import { MOCK_ACCOUNT } from './mock-account.js';
/** The five regions of a mocked ARC cluster's data-plane endpoints. */
const ARC_ENDPOINT_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'];

const hex = (seed: string, length: number) => createHash('sha256').update(seed).digest('hex').slice(0, length);
const uuid = (seed: string) => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

type State = Record<string, unknown>;
const str = (value: unknown, fallback: string): string => (typeof value === 'string' && value !== '' ? value : fallback);

/** Id and computed attributes for one resource, by type. Unlisted types get an id and a generic ARN. */
function computed(type: string, name: string, inputs: State, region: string): { id: string; state: State } {
  const seed = `${type}::${name}`;
  const arnBase = (service: string, regional = true) => `arn:aws:${service}:${regional ? region : ''}:${MOCK_ACCOUNT}`;
  const physical = str(inputs.name, name);
  switch (type) {
    case PROVIDER_TYPE:
      return { id: `provider-${hex(seed, 12)}`, state: {} };
    case 'aws:ec2/vpc:Vpc':
      return { id: `vpc-${hex(seed, 17)}`, state: {} };
    case 'aws:ec2/subnet:Subnet':
      return { id: `subnet-${hex(seed, 17)}`, state: {} };
    case 'aws:ec2/securityGroup:SecurityGroup':
      return { id: `sg-${hex(seed, 17)}`, state: {} };
    case 'aws:kms/key:Key': {
      // A multi-Region key's id starts with `mrk-` and is the same for its replicas.
      const keyId = inputs.multiRegion === true ? `mrk-${hex(seed, 32)}` : uuid(seed);
      return { id: keyId, state: { keyId, arn: `${arnBase('kms')}:key/${keyId}` } };
    }
    case 'aws:kms/replicaKey:ReplicaKey': {
      const keyId = str(inputs.primaryKeyArn, '').split('/').pop() || `mrk-${hex(seed, 32)}`;
      return { id: keyId, state: { keyId, arn: `${arnBase('kms')}:key/${keyId}` } };
    }
    case 'aws:s3/bucketV2:BucketV2': {
      const bucket = `${str(inputs.bucketPrefix, 'bucket-')}${hex(seed, 20)}`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case 'aws:rds/globalCluster:GlobalCluster': {
      const id = str(inputs.globalClusterIdentifier, name);
      return { id, state: { arn: `${arnBase('rds', false)}:global-cluster:${id}`, endpoint: `${id}.global-${hex(seed, 12)}.global.rds.amazonaws.com` } };
    }
    case 'aws:rds/cluster:Cluster': {
      const id = str(inputs.clusterIdentifier, name);
      const host = `${hex(seed, 12)}.${region}.rds.amazonaws.com`;
      return { id, state: { arn: `${arnBase('rds')}:cluster:${id}`, endpoint: `${id}.cluster-${host}`, readerEndpoint: `${id}.cluster-ro-${host}` } };
    }
    case 'aws:rds/subnetGroup:SubnetGroup':
      return { id: physical, state: { name: physical } };
    case 'aws:route53/zone:Zone': {
      const zoneId = `Z${hex(seed, 20).toUpperCase()}`;
      return { id: zoneId, state: { zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}` } };
    }
    case 'aws:route53/healthCheck:HealthCheck':
      return { id: uuid(seed), state: {} };
    case 'aws:route53recoverycontrol/cluster:Cluster': {
      const arn = `${arnBase('route53-recovery-control', false)}:cluster/${uuid(seed)}`;
      const clusterEndpoints = ARC_ENDPOINT_REGIONS.map((endpointRegion) => ({
        region: endpointRegion,
        endpoint: `https://host-${hex(`${seed}${endpointRegion}`, 6)}.${endpointRegion}.example.com/v1`,
      }));
      return { id: arn, state: { arn, clusterEndpoints, status: 'DEPLOYED' } };
    }
    case 'aws:route53recoverycontrol/controlPanel:ControlPanel': {
      const arn = `${arnBase('route53-recovery-control', false)}:controlpanel/${hex(seed, 32)}`;
      return { id: arn, state: { arn } };
    }
    case 'aws:route53recoverycontrol/routingControl:RoutingControl': {
      const arn = `${str(inputs.controlPanelArn, arnBase('route53-recovery-control', false))}/routingcontrol/${hex(seed, 16)}`;
      return { id: arn, state: { arn } };
    }
    case 'aws:dynamodb/table:Table': {
      const replicas = Array.isArray(inputs.replicas) ? (inputs.replicas as State[]) : [];
      return {
        id: physical,
        state: {
          arn: `${arnBase('dynamodb')}:table/${physical}`,
          replicas: replicas.map((replica) => ({ ...replica, arn: `arn:aws:dynamodb:${str(replica.regionName, region)}:${MOCK_ACCOUNT}:table/${physical}` })),
        },
      };
    }
    case 'aws:ecr/repository:Repository':
      return { id: physical, state: { arn: `${arnBase('ecr')}:repository/${physical}`, repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${physical}` } };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { id: physical, state: { arn: `${arnBase('logs')}:log-group:${physical}` } };
    case 'aws:sns/topic:Topic':
      return { id: `${arnBase('sns')}:${physical}`, state: { arn: `${arnBase('sns')}:${physical}` } };
    case 'aws:ssm/parameter:Parameter':
      return { id: physical, state: { arn: `${arnBase('ssm')}:parameter${physical}` } };
    case 'aws:iam/role:Role':
      return { id: physical, state: { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${physical}` } };
    case 'aws:ecs/taskDefinition:TaskDefinition': {
      const family = str(inputs.family, name);
      return { id: family, state: { arn: `${arnBase('ecs')}:task-definition/${family}:1` } };
    }
    default: {
      const [, module = 'unknown'] = /^aws:([^/]+)\//.exec(type) ?? [];
      const id = `${physical}-${hex(seed, 8)}`;
      return { id, state: { arn: `${arnBase(module)}:${module}/${id}` } };
    }
  }
}

/** A provider reference is `<urn>::<id>`. */
const providerId = (reference: string | undefined) => (reference ? reference.slice(reference.lastIndexOf('::') + 2) : undefined);

/** Provider inputs arrive JSON-encoded (`defaultTags` as a string); decode them for the inventory. */
function decodeProviderInputs(inputs: State): State {
  return Object.fromEntries(Object.entries(inputs).map(([key, value]) => {
    if (typeof value !== 'string' || !/^[[{]/.test(value)) return [key, value];
    try {
      return [key, JSON.parse(value) as unknown];
    } catch {
      return [key, value];
    }
  }));
}

/** What a secret input shows in the inventory: reviewers see that it is set, never its value. */
export const SECRET_PLACEHOLDER = '[secret]';

const isSecret = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as State)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

function maskSecrets(value: unknown): unknown {
  if (isSecret(value)) return SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
  return value;
}

/** Records every custom resource the program registers, and answers as AWS would. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: InventoryResource[] = [];
  private readonly providerRegions = new Map<string, string>();

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const inputs = (args.inputs ?? {}) as State;
    if (args.custom === false) return { id: undefined, state: {} };
    if (args.type === PROVIDER_TYPE) {
      const region = str(inputs.region, '');
      const { id } = computed(args.type, args.name, inputs, region);
      this.providerRegions.set(id, region);
      this.resources.push({ type: args.type, name: args.name, region: region || null, props: decodeProviderInputs(inputs) });
      return { id, state: inputs };
    }
    const region = this.providerRegions.get(providerId(args.provider) ?? '') ?? null;
    this.resources.push({ type: args.type, name: args.name, region, props: maskSecrets(inputs) as State });
    const { id, state } = computed(args.type, args.name, inputs, region ?? 'us-east-1');
    return { id, state: { ...inputs, name: inputs.name ?? args.name, ...state } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    switch (args.token) {
      case 'aws:index/getCallerIdentity:getCallerIdentity':
        return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/synth`, userId: 'SYNTH' };
      case 'aws:index/getAvailabilityZones:getAvailabilityZones': {
        const region = this.providerRegions.get(providerId(args.provider) ?? '') ?? 'us-east-1';
        const names = ['a', 'b', 'c'].map((suffix) => `${region}${suffix}`);
        return { names, zoneIds: names.map((_, i) => `${region.replace(/-/g, '')}-az${i + 1}`), id: region };
      }
      default:
        throw new Error(`the synth has no mock for ${args.token}; add one to infra/synth/mocks.ts`);
    }
  }
}
