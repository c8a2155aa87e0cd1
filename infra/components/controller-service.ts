import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackSettings } from '../settings.js';
import { alarmKeyPolicy, controllerPolicyDocument, controllerRoleName, executionPolicyDocument, type ControllerPolicyInputs } from './controller-policy.js';
import type { Network } from './network.js';

/** Where the task writes the config it reads from SSM, and the image's `fcp controller --config` path. */
export const CONFIG_PATH = '/etc/fcp/config.yaml';
const CONFIG_ENV = 'FCP_CONFIG_YAML';
const CONTAINER = 'controller';

export interface ControllerServiceArgs {
  deployment: string;
  region: string;
  settings: StackSettings['controller'];
  network: Network;
  /** The rendered controller config, the same for every region. */
  configYaml: pulumi.Output<string>;
  /** What this region's controller may act on (the role itself is added here). */
  permissions: pulumi.Output<Omit<ControllerPolicyInputs, 'principalArn'>>;
}

/**
 * One controller replica in one region: its image repository, log group, config parameter, IAM
 * roles (least privilege), an ECS Fargate service running exactly one task, and alarms on the
 * controller's health sent to the region's SNS topic.
 */
export class ControllerService extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly configParameterName: pulumi.Output<string>;

  constructor(name: string, args: ControllerServiceArgs, opts: pulumi.ComponentResourceOptions & { provider: aws.Provider }) {
    super('fcp:infra:ControllerService', name, {}, opts);
    const child = { parent: this, provider: opts.provider };
    const { settings, region } = args;
    const prefix = `${args.deployment}-${region}`;

    const repository = new aws.ecr.Repository(`${name}-image`, {
      name: `${args.deployment}/controller`,
      // Tags are immutable, so the tag a pull request reviews is the image that runs.
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    }, child);
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
      name: `/fcp/${args.deployment}/controller`,
      retentionInDays: settings.logRetentionDays,
    }, child);
    const caller = aws.getCallerIdentityOutput({}, { provider: opts.provider });
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed `alias/aws/sns` key: the
    // topic gets a key of its own whose policy lets CloudWatch use it.
    const alarmKey = new aws.kms.Key(`${name}-alarms`, {
      description: `${prefix}: the controller's alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: caller.accountId.apply((accountId) => JSON.stringify(alarmKeyPolicy(accountId))),
    }, child);
    const topic = new aws.sns.Topic(`${name}-alarms`, {
      name: `${prefix}-controller-alarms`,
      kmsMasterKeyId: alarmKey.arn,
    }, child);
    settings.alarmEmails.forEach((email, index) => {
      new aws.sns.TopicSubscription(`${name}-alarms-${index}`, { topic: topic.arn, protocol: 'email', endpoint: email }, child);
    });
    const configParameter = new aws.ssm.Parameter(`${name}-config`, {
      name: `/fcp/${args.deployment}/controller-config`,
      description: 'The controller config, rendered from this stack; the task writes it to its config path at start',
      type: 'String',
      // A three-region config is larger than the standard tier's 4 KB.
      tier: 'Intelligent-Tiering',
      value: args.configYaml,
    }, child);

    const assumeByEcsTasks = caller.accountId.apply((accountId) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Only tasks of this account may assume the roles (confused-deputy guard).
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      }],
    }));
    const executionRole = new aws.iam.Role(`${name}-execution`, {
      name: `${prefix}-controller-execution`,
      description: 'ECS pulls the controller image, writes its logs and reads its config',
      assumeRolePolicy: assumeByEcsTasks,
    }, child);
    new aws.iam.RolePolicy(`${name}-execution`, {
      role: executionRole.id,
      policy: pulumi
        .all([repository.arn, logGroup.arn, configParameter.arn])
        .apply(([repositoryArn, logGroupArn, configParameterArn]) => JSON.stringify(executionPolicyDocument({ repositoryArn, logGroupArn, configParameterArn }))),
    }, child);
    const taskRole = new aws.iam.Role(`${name}-task`, {
      name: controllerRoleName(args.deployment, region),
      description: 'The failover controller: flips its routing controls and DB records, promotes its global database, keeps state in its table',
      assumeRolePolicy: assumeByEcsTasks,
    }, child);
    new aws.iam.RolePolicy(`${name}-task`, {
      role: taskRole.id,
      policy: pulumi
        .all([args.permissions, taskRole.arn])
        .apply(([permissions, principalArn]) => JSON.stringify(controllerPolicyDocument({ ...permissions, principalArn }))),
    }, child);

    const cluster = new aws.ecs.Cluster(`${name}-cluster`, {
      name: `${prefix}-controller`,
      settings: [{ name: 'containerInsights', value: 'enabled' }],
    }, child);
    const healthUrl = `http://127.0.0.1:${settings.apiPort}/healthz`;
    const taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, {
      family: `${prefix}-controller`,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(settings.cpu),
      memory: String(settings.memory),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: pulumi
        .all([repository.repositoryUrl, logGroup.name, configParameter.arn])
        .apply(([repositoryUrl, logGroupName, configParameterArn]) => JSON.stringify([{
          name: CONTAINER,
          image: `${repositoryUrl}:${settings.imageTag}`,
          essential: true,
          // The image runs `fcp controller --config <file>`; ECS delivers the config as an environment
          // variable from SSM, so the task writes it to the file first.
          entryPoint: ['/bin/sh', '-c'],
          command: [`printf '%s' "$${CONFIG_ENV}" > ${CONFIG_PATH} && exec fcp controller --config ${CONFIG_PATH} --region ${region}`],
          secrets: [{ name: CONFIG_ENV, valueFrom: configParameterArn }],
          environment: [{ name: 'AWS_REGION', value: region }, { name: 'NODE_ENV', value: 'production' }],
          portMappings: [{ containerPort: settings.apiPort, protocol: 'tcp' }],
          healthCheck: {
            command: ['CMD-SHELL', `node -e "fetch('${healthUrl}', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`],
            interval: 15,
            timeout: 5,
            retries: 3,
            startPeriod: 30,
          },
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logGroupName, 'awslogs-region': region, 'awslogs-stream-prefix': CONTAINER },
          },
        }])),
    }, child);
    const service = new aws.ecs.Service(`${name}-service`, {
      name: `${prefix}-controller`,
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      launchType: 'FARGATE',
      // One replica per region; the lease decides which one acts, so a brief overlap during a deploy is safe.
      desiredCount: 1,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: {
        subnets: args.network.privateSubnetIds,
        securityGroups: [args.network.controllerSecurityGroupId],
        assignPublicIp: false,
      },
      propagateTags: 'SERVICE',
    }, child);

    new aws.cloudwatch.MetricAlarm(`${name}-not-running`, {
      name: `${prefix}-controller-not-running`,
      alarmDescription: `No controller task is running in ${region}: this region cannot observe, decide or act.`,
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensions: { ClusterName: cluster.name, ServiceName: service.name },
      statistic: 'Minimum',
      period: 60,
      evaluationPeriods: 3,
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      // No data means no task reports in: the same as not running.
      treatMissingData: 'breaching',
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    }, child);
    const errorMetric = `${prefix}-controller-errors`;
    new aws.cloudwatch.LogMetricFilter(`${name}-errors`, {
      name: errorMetric,
      logGroupName: logGroup.name,
      // pino writes numeric levels: 50 is error, 60 is fatal.
      pattern: '{ $.level >= 50 }',
      metricTransformation: { name: errorMetric, namespace: 'FCP/Controller', value: '1', defaultValue: '0' },
    }, child);
    new aws.cloudwatch.MetricAlarm(`${name}-errors`, {
      name: `${prefix}-controller-errors`,
      alarmDescription: `The controller in ${region} logged errors in each of the last 5 minutes.`,
      namespace: 'FCP/Controller',
      metricName: errorMetric,
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      treatMissingData: 'notBreaching',
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    }, child);

    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.repositoryUrl = repository.repositoryUrl;
    this.logGroupName = logGroup.name;
    this.alarmTopicArn = topic.arn;
    this.configParameterName = configParameter.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
