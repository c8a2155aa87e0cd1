import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../controller/config/load.js';
import { renderControllerConfig } from '../../infra/controller-config.js';
import { checkInventory } from '../../infra/policy/guard.js';
import type { InventoryResource } from '../../infra/synth/inventory.js';
import { SECRET_PLACEHOLDER } from '../../infra/synth/mocks.js';
import { synthesize, type Synthesis } from '../../infra/synth/synthesize.js';
import { main as renderConfig } from '../../infra/tools/render-config.js';
import { exampleSettings, ROOT, THREE_REGION_STACK, TWO_REGION_STACK } from './fixtures.js';

/** One program run per stack shape, shared by every test in this file (runs take turns: Pulumi's runtime is global). */
let three: Synthesis;
let two: Synthesis;
let scratch: string;

beforeAll(async () => {
  three = await synthesize(exampleSettings(THREE_REGION_STACK));
  two = await synthesize(exampleSettings(TWO_REGION_STACK));
  scratch = mkdtempSync(join(tmpdir(), 'fcp-infra-'));
}, 60_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const ofType = (s: Synthesis, type: string) => s.inventory.resources.filter((r) => r.type === type);
const regionsOf = (resources: InventoryResource[]) => [...new Set(resources.map((r) => r.region))].sort();
const named = (s: Synthesis, type: string, name: string) => {
  const found = ofType(s, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};

describe('three-region stack (Pulumi.example.yaml)', () => {
  const regions = ['us-east-1', 'us-east-2', 'us-west-2'];

  it('puts every resource on an explicit provider, one per region', () => {
    expect(three.inventory.resources.filter((r) => r.region === null)).toEqual([]);
    const providers = ofType(three, 'pulumi:providers:aws');
    expect(providers.map((p) => [p.name, p.region])).toEqual([['aws-us-east-1', 'us-east-1'], ['aws-us-east-2', 'us-east-2'], ['aws-us-west-2', 'us-west-2']]);
  });

  it.each([
    'aws:rds/cluster:Cluster',
    'aws:ecs/cluster:Cluster',
    'aws:ecs/service:Service',
    'aws:ecr/repository:Repository',
    'aws:cloudwatch/logGroup:LogGroup',
    'aws:sns/topic:Topic',
    'aws:ssm/parameter:Parameter',
  ])('has one %s in every region', (type) => {
    const resources = ofType(three, type);
    expect(resources).toHaveLength(3);
    expect(regionsOf(resources)).toEqual(regions);
  });

  it('has two KMS keys in every region: one for the database, one for the alarm topic that CloudWatch may use (and the audit signing key)', () => {
    const keys = ofType(three, 'aws:kms/key:Key').filter((k) => k.props.keyUsage !== 'SIGN_VERIFY');
    expect(regionsOf(keys)).toEqual(regions);
    expect(keys).toHaveLength(6);
    const alarmKey = named(three, 'aws:kms/key:Key', 'auth-prod-us-west-2-controller-alarms');
    const policy = JSON.parse(String(alarmKey.props.policy)) as { Statement: { Principal: Record<string, string> }[] };
    expect(policy.Statement.map((s) => s.Principal)).toContainEqual({ Service: 'cloudwatch.amazonaws.com' });
    const topic = named(three, 'aws:sns/topic:Topic', 'auth-prod-us-west-2-controller-alarms');
    expect(topic.props.kmsMasterKeyId).not.toBe('alias/aws/sns');
    expect(topic.props.kmsMasterKeyId).toMatch(/^arn:aws:kms:us-west-2:/);
  });

  it('creates VPCs only where the stack gives a CIDR; the existing VPC is used as given', () => {
    expect(regionsOf(ofType(three, 'aws:ec2/vpc:Vpc'))).toEqual(['us-east-1', 'us-east-2']);
    const privateSubnets = ofType(three, 'aws:ec2/subnet:Subnet').filter((s) => s.name.includes('-private-'));
    expect(privateSubnets.map((s) => [s.region, s.props.availabilityZone])).toEqual([
      ['us-east-1', 'us-east-1a'], ['us-east-1', 'us-east-1b'], ['us-east-2', 'us-east-2a'], ['us-east-2', 'us-east-2b'],
    ]);
    const endpoints = ofType(three, 'aws:ec2/vpcEndpoint:VpcEndpoint').filter((e) => e.region === 'us-east-1').map((e) => e.props.serviceName);
    expect(endpoints).toEqual(expect.arrayContaining(['com.amazonaws.us-east-1.dynamodb', 'com.amazonaws.us-east-1.rds', 'com.amazonaws.us-east-1.ecr.dkr', 'com.amazonaws.us-east-1.logs']));
    expect(named(three, 'aws:ec2/securityGroup:SecurityGroup', 'auth-prod-us-west-2-controller').props.vpcId).toBe('vpc-0a1b2c3d4e5f60718');
    expect(named(three, 'aws:rds/subnetGroup:SubnetGroup', 'auth-prod-db-us-west-2').props.subnetIds).toEqual(['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']);
  });

  it('builds an Aurora global database: primary and secondaries with instances, own KMS keys, pinned equal versions', () => {
    const [global] = ofType(three, 'aws:rds/globalCluster:GlobalCluster');
    expect(global).toMatchObject({ region: 'us-east-1', props: { engineVersion: '16.6', storageEncrypted: true, deletionProtection: true } });
    const clusters = ofType(three, 'aws:rds/cluster:Cluster');
    for (const cluster of clusters) {
      expect(cluster.props).toMatchObject({ globalClusterIdentifier: 'auth-prod-global', engineVersion: '16.6', storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 14 });
      expect(String(cluster.props.kmsKeyId)).toMatch(new RegExp(`^arn:aws:kms:${cluster.region}:`));
      const instances = ofType(three, 'aws:rds/clusterInstance:ClusterInstance').filter((i) => i.props.clusterIdentifier === cluster.props.clusterIdentifier);
      expect(instances).toHaveLength(2);
    }
    // Only the primary has a master user; secondaries replicate it.
    expect(clusters.filter((c) => c.props.masterUsername !== undefined).map((c) => c.region)).toEqual(['us-east-1']);
  });

  it('routes public traffic through ARC: control plane resources in us-west-2, Route 53 in us-east-1', () => {
    expect(regionsOf(ofType(three, 'aws:route53recoverycontrol/routingControl:RoutingControl'))).toEqual(['us-west-2']);
    expect(ofType(three, 'aws:route53recoverycontrol/routingControl:RoutingControl')).toHaveLength(3);
    const [rule] = ofType(three, 'aws:route53recoverycontrol/safetyRule:SafetyRule');
    expect(rule?.props.ruleConfig).toEqual({ type: 'ATLEAST', threshold: 1, inverted: false });
    expect(rule?.props.assertedControls).toEqual(Object.values(three.outputs.traffic.routingControls));
    expect(regionsOf(ofType(three, 'aws:route53/record:Record'))).toEqual(['us-east-1']);

    const publicRecords = ofType(three, 'aws:route53/record:Record').filter((r) => r.props.name === 'login.auth.example.com');
    expect(publicRecords.map((r) => [r.props.setIdentifier, r.props.ttl, r.props.weightedRoutingPolicies])).toEqual([
      ['us-east-1', 60, [{ weight: 100 }]], ['us-east-2', 60, [{ weight: 100 }]], ['us-west-2', 60, [{ weight: 100 }]],
    ]);
    // Each record follows its routing control's health check, not the origin's HTTP check.
    const controlChecks = new Set(publicRecords.map((r) => r.props.healthCheckId));
    expect(controlChecks.size).toBe(3);
    for (const originCheck of Object.values(three.outputs.traffic.originHealthChecks)) expect(controlChecks.has(originCheck)).toBe(false);
    const checkTypes = ofType(three, 'aws:route53/healthCheck:HealthCheck').map((h) => h.props.type).sort();
    expect(checkTypes).toEqual(['HTTPS', 'HTTPS', 'HTTPS', 'RECOVERY_CONTROL', 'RECOVERY_CONTROL', 'RECOVERY_CONTROL']);
  });

  it('keeps the DB endpoint names in a private zone associated with every region VPC', () => {
    const zone = named(three, 'aws:route53/zone:Zone', 'auth-prod-db-endpoints-private');
    expect((zone.props.vpcs as { vpcRegion: string }[]).map((v) => v.vpcRegion)).toEqual(regions);
    expect(zone.props.vpcs).toContainEqual({ vpcId: 'vpc-0a1b2c3d4e5f60718', vpcRegion: 'us-west-2' });
    const writer = named(three, 'aws:route53/record:Record', 'auth-prod-db-endpoints-writer');
    // The writer name points at the global writer endpoint, which follows the writer through a failover.
    expect(three.outputs.database.globalWriterEndpoint).toMatch(/^auth-prod-global\.global-[0-9a-f]{12}\.global\.rds\.amazonaws\.com$/);
    expect(writer.props).toMatchObject({ name: 'writer.db.auth.internal', ttl: 5, records: [three.outputs.database.globalWriterEndpoint] });
    expect(three.outputs.database.endpointRecords.readers).toEqual({
      'us-east-1': 'reader.us-east-1.db.auth.internal', 'us-east-2': 'reader.us-east-2.db.auth.internal', 'us-west-2': 'reader.us-west-2.db.auth.internal',
    });
  });

  it('replicates the state table to every region with strong consistency and PITR', () => {
    const [table] = ofType(three, 'aws:dynamodb/table:Table');
    expect(table).toMatchObject({ region: 'us-east-1', props: { name: 'auth-prod-fcp-state', hashKey: 'pk', rangeKey: 'sk', pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true } });
    expect(table?.props.replicas).toEqual([
      expect.objectContaining({ regionName: 'us-east-2', consistencyMode: 'STRONG', pointInTimeRecovery: true }),
      expect.objectContaining({ regionName: 'us-west-2', consistencyMode: 'STRONG', pointInTimeRecovery: true }),
    ]);
    expect(three.outputs.stateTable.arns).toHaveLength(3);
  });

  it('runs one controller task per region with its region, image tag and config parameter', () => {
    for (const region of regions) {
      const service = named(three, 'aws:ecs/service:Service', `auth-prod-${region}-controller-service`);
      expect(service).toMatchObject({ region, props: { desiredCount: 1, launchType: 'FARGATE', networkConfiguration: { assignPublicIp: false } } });
      const task = named(three, 'aws:ecs/taskDefinition:TaskDefinition', `auth-prod-${region}-controller-task`);
      const [container] = JSON.parse(String(task.props.containerDefinitions)) as { image: string; command: string[]; secrets: { valueFrom: string }[]; healthCheck: { command: string[] } }[];
      expect(container?.image).toBe(`123456789012.dkr.ecr.${region}.amazonaws.com/auth-prod/controller:0.1.0`);
      expect(container?.command[0]).toContain(`exec fcp controller --config /etc/fcp/config.yaml --region ${region}`);
      expect(container?.secrets[0]?.valueFrom).toBe(`arn:aws:ssm:${region}:123456789012:parameter/fcp/auth-prod/controller-config`);
      expect(container?.healthCheck.command.join(' ')).toContain('http://127.0.0.1:8080/healthz');
      expect(ofType(three, 'aws:cloudwatch/metricAlarm:MetricAlarm').filter((a) => a.region === region)).toHaveLength(2);
    }
  });

  it('gives each region its own least-privilege task role scoped to the deployment', () => {
    const policy = JSON.parse(String(named(three, 'aws:iam/rolePolicy:RolePolicy', 'auth-prod-us-east-2-controller-task').props.policy)) as { Statement: { Sid: string; Resource: string[] }[] };
    const resources = (sid: string) => policy.Statement.find((s) => s.Sid === sid)?.Resource;
    // Public traffic moves through ARC; the only records the controller reads or changes are the DB endpoint names.
    const privateZone = `arn:aws:route53:::hostedzone/${three.outputs.database.endpointRecords.hostedZoneId}`;
    expect(resources('FlipOwnedRecords')).toEqual([privateZone]);
    expect(resources('ReadOwnedZones')).toEqual([privateZone]);
    expect(resources('FlipRoutingControls')).toEqual(Object.values(three.outputs.traffic.routingControls));
    expect(resources('PromoteGlobalDatabase')).toEqual([three.outputs.database.globalClusterArn, ...Object.values(three.outputs.database.clusters).map((c) => c.arn)]);
    // Only the table replica in its own region, and only its own role to simulate.
    expect(resources('StateTable')).toEqual(three.outputs.stateTable.arns.filter((arn) => arn.includes(':us-east-2:')));
    expect(resources('StateTable')).toHaveLength(1);
    expect(resources('ProveOwnPermissions')).toEqual(['arn:aws:iam::123456789012:role/auth-prod-us-east-2-controller']);
    expect(resources('Notify')).toBeUndefined();
  });

  it('keeps the audit chain\'s checkpoints out of the state store\'s reach: a signing key that never leaves KMS, and an Object Lock bucket in compliance mode', () => {
    const [signing] = ofType(three, 'aws:kms/key:Key').filter((k) => k.props.keyUsage === 'SIGN_VERIFY');
    expect(signing?.props).toMatchObject({ customerMasterKeySpec: 'ECC_NIST_P256', multiRegion: true });
    expect(regionsOf(ofType(three, 'aws:kms/replicaKey:ReplicaKey'))).toEqual(regions.filter((r) => r !== 'us-east-1'));
    const [bucket] = ofType(three, 'aws:s3/bucketV2:BucketV2');
    expect(bucket?.props.objectLockEnabled).toBe(true);
    expect(ofType(three, 'aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2')[0]?.props.rule).toEqual({ defaultRetention: { mode: 'COMPLIANCE', days: 400 } });
    expect(ofType(three, 'aws:s3/bucketVersioningV2:BucketVersioningV2')).toHaveLength(1);
    expect(ofType(three, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')[0]?.props).toMatchObject({ blockPublicPolicy: true, restrictPublicBuckets: true });
    // Each region's role signs with its own region's key and may only add checkpoints: no read, no delete.
    const policy = JSON.parse(String(named(three, 'aws:iam/rolePolicy:RolePolicy', 'auth-prod-us-west-2-controller-task').props.policy)) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
    const sign = policy.Statement.find((s) => s.Sid === 'SignAuditCheckpoints')!;
    expect(sign.Action).toEqual(['kms:Sign']);
    expect(sign.Resource).toEqual([expect.stringMatching(/^arn:aws:kms:us-west-2:\d+:key\/mrk-/)]);
    const write = policy.Statement.find((s) => s.Sid === 'WriteAuditCheckpoints')!;
    expect(write).toMatchObject({ Action: ['s3:PutObject'], Resource: [expect.stringMatching(/^arn:aws:s3:::auth-prod-audit-[0-9a-f]+\/audit-checkpoints\/\*$/)] });
    expect(policy.Statement.flatMap((s) => s.Action).filter((a) => /^s3:(Delete|PutObjectRetention|BypassGovernance)/.test(a))).toEqual([]);
    // Expiring items (idempotency records, failed-login windows) are deleted by DynamoDB TTL.
    expect(ofType(three, 'aws:dynamodb/table:Table')[0]?.props.ttl).toEqual({ attributeName: 'expiresAtEpochSeconds', enabled: true });
    expect(renderControllerConfig(three.outputs).audit).toEqual({ checkpoints: { mode: 'aws', kmsKeyId: expect.stringMatching(/^mrk-/), bucket: three.outputs.auditCheckpoints.bucket, bucketRegion: 'us-east-1', prefix: 'audit-checkpoints/' } });
  });

  it('passes the policy guard', async () => {
    expect(await checkInventory(three.inventory)).toEqual([]);
  });

  it('exports outputs that render a valid controller config', () => {
    expect(three.outputs.traffic.publicZoneId).toMatch(/^Z[0-9A-F]{20}$/);
    const config = parseConfig(renderControllerConfig(three.outputs));
    expect(config.regions).toEqual([{ name: 'us-east-1', role: 'primary' }, { name: 'us-east-2', role: 'standby' }, { name: 'us-west-2', role: 'standby' }]);
    expect(config.traffic.mechanism).toBe('arc');
    expect(config.store).toMatchObject({ kind: 'dynamodb', tableName: 'auth-prod-fcp-state' });
    expect(config.signals.route53HealthChecks).toEqual(three.outputs.traffic.originHealthChecks);
    expect(config.database.globalWriterEndpoint).toBe(three.outputs.database.globalWriterEndpoint);
    // The stored config is a secret input of the parameter: the inventory shows that it is set, not its text.
    expect(named(three, 'aws:ssm/parameter:Parameter', 'auth-prod-us-west-2-controller-config').props.value).toBe(SECRET_PLACEHOLDER);
  });

  it('renders outputs.json into a config that `fcp config validate` accepts', async () => {
    const outputsFile = join(scratch, 'outputs.json');
    const configFile = join(scratch, 'aws.yaml');
    writeFileSync(outputsFile, JSON.stringify(three.outputs));
    const messages: string[] = [];
    expect(renderConfig([outputsFile, '--out', configFile], { out: (t) => messages.push(t), err: (t) => messages.push(t) })).toBe(0);
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/fcp.js'), 'config', 'validate', configFile], { cwd: ROOT, timeout: 30_000 });
    expect(stdout).toContain('valid (3 regions, 2 services, traffic via arc)');
  });
});

describe('two-region stack (Pulumi.example-two-region.yaml)', () => {
  it('uses failover records, PRIMARY in the primary region, in the existing public zone', () => {
    expect(ofType(two, 'aws:route53/zone:Zone').map((z) => z.props.name)).toEqual(['db.auth-eu.internal']);
    const records = ofType(two, 'aws:route53/record:Record').filter((r) => r.props.name === 'login.eu.auth.example.com');
    expect(records.map((r) => [r.props.setIdentifier, r.props.zoneId, r.props.ttl, r.props.failoverRoutingPolicies])).toEqual([
      ['eu-west-1', 'Z0PUBLICAUTHZONE', 30, [{ type: 'PRIMARY' }]],
      ['us-east-1', 'Z0PUBLICAUTHZONE', 30, [{ type: 'SECONDARY' }]],
    ]);
  });

  it('adds a control-plane provider for ARC without running a controller there', () => {
    const providers = ofType(two, 'pulumi:providers:aws');
    expect(providers.map((p) => [p.region, (p.props.defaultTags as { tags: Record<string, string> }).tags['fcp:region-role']])).toEqual([
      ['eu-west-1', 'primary'], ['us-east-1', 'standby'], ['us-west-2', 'control-plane'],
    ]);
    expect(regionsOf(ofType(two, 'aws:ecs/service:Service'))).toEqual(['eu-west-1', 'us-east-1']);
    expect(regionsOf(ofType(two, 'aws:route53recoverycontrol/cluster:Cluster'))).toEqual(['us-west-2']);
  });

  it('builds the global database in the primary region with one instance per cluster and the MySQL port', () => {
    expect(ofType(two, 'aws:rds/globalCluster:GlobalCluster').map((g) => [g.region, g.props.engine])).toEqual([['eu-west-1', 'aurora-mysql']]);
    expect(regionsOf(ofType(two, 'aws:rds/clusterInstance:ClusterInstance'))).toEqual(['eu-west-1', 'us-east-1']);
    expect(ofType(two, 'aws:rds/clusterInstance:ClusterInstance')).toHaveLength(2);
    const dbGroup = named(two, 'aws:ec2/securityGroup:SecurityGroup', 'auth-eu-eu-west-1-database');
    expect(dbGroup.props.ingress).toEqual([expect.objectContaining({ fromPort: 3306, toPort: 3306, cidrBlocks: ['10.40.0.0/16'] })]);
  });

  it('keeps the state table eventually consistent (strong consistency needs three regions)', () => {
    const [table] = ofType(two, 'aws:dynamodb/table:Table');
    expect(table?.region).toBe('eu-west-1');
    expect(table?.props.replicas).toEqual([{ regionName: 'us-east-1', pointInTimeRecovery: true, deletionProtectionEnabled: true, propagateTags: true }]);
  });

  it('passes the policy guard and renders a valid controller config', async () => {
    expect(await checkInventory(two.inventory)).toEqual([]);
    expect(parseConfig(renderControllerConfig(two.outputs)).regions.map((r) => r.role)).toEqual(['primary', 'standby']);
  });
});
