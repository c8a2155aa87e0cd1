/**
 * The controller's IAM permissions, built as plain data so tests can read them. Every statement
 * names its actions one by one (no `*` in an action) and the resources it may touch: the DB endpoint
 * zone and record names, the deployment's routing controls, the global database and its members, the
 * state table's replica in the role's own region, and the role itself (to prove its permissions).
 * Nothing the controller never calls is granted: `policy/guard.ts` checks that against the code.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface ControllerPolicyInputs {
  /**
   * Zones whose records the controller changes: the private DB endpoint zone. Public traffic moves
   * through ARC routing controls, so the public zone's records are never changed by the controller.
   */
  changeZoneIds: string[];
  /** Zones whose records the controller reads (with ARC routing controls: only the private zone). */
  readZoneIds: string[];
  /** The only record names the controller may change: the DB endpoint names. */
  recordNames: string[];
  healthCheckIds: string[];
  routingControlArns: string[];
  globalClusterArn: string;
  clusterArns: string[];
  /** The state table's replica that this role's replica writes through: its own region's. */
  tableArns: string[];
  /** The role itself: readiness simulates its own permissions (`iam:SimulatePrincipalPolicy`). */
  principalArn: string;
  /** The audit checkpoint signing key in the role's own region. */
  checkpointKeyArn: string;
  /** The checkpoint objects in the Object Lock bucket (`arn:aws:s3:::bucket/prefix*`). */
  checkpointObjects: string;
}

/** The ARC condition key that is true when a request overrides safety rules. */
export const ARC_OVERRIDE_KEY = 'route53-recovery-cluster:AllowSafetyRulesOverrides';

/** The controller task role of one region: `<deployment>-<region>-controller`. */
export const controllerRoleName = (deployment: string, region: string): string => `${deployment}-${region}-controller`;

const bareZoneId = (id: string) => id.replace(/^\/hostedzone\//, '');
/** Route 53 compares normalized names: lower case, no trailing dot. */
const normalizedName = (name: string) => name.toLowerCase().replace(/\.$/, '');

const zoneArn = (id: string) => `arn:aws:route53:::hostedzone/${bareZoneId(id)}`;

/**
 * What a controller that moves traffic with Route 53 weighted records (`traffic.mechanism: route53`)
 * needs on the public zone: read its records and UPSERT the weights of the public name. This program
 * deploys ARC routing controls instead; the sandbox, which also runs the route53 mechanism, adds these.
 */
export function weightedRecordsStatements(records: { zoneId: string; name: string; type: string }): PolicyStatement[] {
  return [
    { Sid: 'ReadPublicRecords', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: [zoneArn(records.zoneId)] },
    {
      Sid: 'FlipWeightedRecords',
      Effect: 'Allow',
      Action: ['route53:ChangeResourceRecordSets'],
      Resource: [zoneArn(records.zoneId)],
      Condition: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [normalizedName(records.name)],
          'route53:ChangeResourceRecordSetsRecordTypes': [records.type],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
        },
      },
    },
  ];
}

export function controllerPolicyDocument(inputs: ControllerPolicyInputs): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FlipOwnedRecords',
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets'],
        Resource: inputs.changeZoneIds.map(zoneArn),
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': inputs.recordNames.map(normalizedName),
            'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
            'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
          },
        },
      },
      { Sid: 'ReadOwnedZones', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: inputs.readZoneIds.map(zoneArn) },
      // Change ids are minted per request, so the resource can only be named by pattern.
      { Sid: 'FollowChanges', Effect: 'Allow', Action: ['route53:GetChange'], Resource: ['arn:aws:route53:::change/*'] },
      {
        Sid: 'ReadOriginHealth',
        Effect: 'Allow',
        Action: ['route53:GetHealthCheckStatus'],
        Resource: inputs.healthCheckIds.map((id) => `arn:aws:route53:::healthcheck/${id}`),
      },
      { Sid: 'ReadRoutingControls', Effect: 'Allow', Action: ['route53-recovery-cluster:GetRoutingControlState'], Resource: inputs.routingControlArns },
      {
        Sid: 'FlipRoutingControls',
        Effect: 'Allow',
        // The controller flips controls in batches (UpdateRoutingControlStates), never one by one, and
        // never overrides a safety rule: a request with SafetyRulesToOverride is not allowed.
        Action: ['route53-recovery-cluster:UpdateRoutingControlStates'],
        Resource: inputs.routingControlArns,
        Condition: { BoolIfExists: { [ARC_OVERRIDE_KEY]: ['false'] } },
      },
      {
        Sid: 'PromoteGlobalDatabase',
        Effect: 'Allow',
        Action: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
        Resource: [inputs.globalClusterArn, ...inputs.clusterArns],
      },
      { Sid: 'ReadGlobalDatabase', Effect: 'Allow', Action: ['rds:DescribeGlobalClusters'], Resource: [inputs.globalClusterArn] },
      { Sid: 'ReadClusters', Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: inputs.clusterArns },
      // GetMetricData (replication lag) has no resource-level permissions in IAM.
      { Sid: 'ReadReplicationLag', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: ['*'] },
      {
        Sid: 'StateTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        Resource: inputs.tableArns,
      },
      { Sid: 'ProveOwnPermissions', Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy'], Resource: [inputs.principalArn] },
      // Checkpoints of the audit chain: sign (never export the key), and add objects the bucket's
      // Object Lock then keeps unchangeable. Reading them back is an auditor's right, not the controller's.
      { Sid: 'SignAuditCheckpoints', Effect: 'Allow', Action: ['kms:Sign'], Resource: [inputs.checkpointKeyArn] },
      { Sid: 'WriteAuditCheckpoints', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [inputs.checkpointObjects] },
    ],
  };
}

/**
 * The key policy of a region's alarm-topic key: the account administers it (so IAM policies can
 * grant its use), and CloudWatch alarms of this account may use it to publish to the topic.
 */
export function alarmKeyPolicy(accountId: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      },
    ],
  };
}

/** The task execution role: pull the image, write logs, read the config parameter. Nothing else. */
export function executionPolicyDocument(inputs: { repositoryArn: string; logGroupArn: string; configParameterArn: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      // ECR issues registry-wide tokens; the pull itself is limited to the repository below.
      { Sid: 'RegistryToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'PullImage',
        Effect: 'Allow',
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        Resource: [inputs.repositoryArn],
      },
      { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${inputs.logGroupArn}:*`] },
      { Sid: 'ReadConfig', Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: [inputs.configParameterArn] },
    ],
  };
}
