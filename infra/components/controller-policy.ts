/**
 * The controller's IAM permissions, built as plain data so tests can read them. Every statement
 * names its actions one by one (no `*` in an action) and the resources it may touch: the DB endpoint
 * zone and record names, the deployment's routing controls, the global database and its members, the
 * state table, the region's alarm topic.
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
  /** Zones the controller reads to verify a flip: the public zone and the private zone. */
  readZoneIds: string[];
  /** The only record names the controller may change: the DB endpoint names. */
  recordNames: string[];
  healthCheckIds: string[];
  routingControlArns: string[];
  globalClusterArn: string;
  clusterArns: string[];
  /** The state table's ARN in every region. */
  tableArns: string[];
  alarmTopicArn: string;
}

const bareZoneId = (id: string) => id.replace(/^\/hostedzone\//, '');
/** Route 53 compares normalized names: lower case, no trailing dot. */
const normalizedName = (name: string) => name.toLowerCase().replace(/\.$/, '');

const zoneArn = (id: string) => `arn:aws:route53:::hostedzone/${bareZoneId(id)}`;

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
      {
        Sid: 'FlipRoutingControls',
        Effect: 'Allow',
        // The controller flips controls in batches (UpdateRoutingControlStates), never one by one.
        Action: ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
        Resource: inputs.routingControlArns,
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
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
        Resource: inputs.tableArns,
      },
      { Sid: 'Notify', Effect: 'Allow', Action: ['sns:Publish'], Resource: [inputs.alarmTopicArn] },
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
