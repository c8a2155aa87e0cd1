import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { EXPIRES_AT } from '../../controller/store/expiry.js';

export interface StateTableArgs {
  tableName: string;
  consistency: 'strong' | 'eventual';
  /** The region the table is created in; every other region gets a replica. */
  home: { region: string; provider: aws.Provider };
  replicaRegions: readonly string[];
}

/**
 * The controller's state (lease, journal, audit chain, approvals): a DynamoDB global table with a
 * replica in every region, point-in-time recovery and deletion protection everywhere. With three
 * regions from one set it uses multi-region strong consistency, so the lease's conditional writes
 * stay linearizable when one region is lost.
 */
export class StateTable extends pulumi.ComponentResource {
  readonly tableName: pulumi.Output<string>;
  /** The table's ARN in every region, for the controller's IAM policy. */
  readonly arns: pulumi.Output<string[]>;

  constructor(name: string, args: StateTableArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('fcp:infra:StateTable', name, {}, opts);
    const table = new aws.dynamodb.Table(`${name}-table`, {
      name: args.tableName,
      billingMode: 'PAY_PER_REQUEST',
      // The store keeps every record under one string partition key and one string sort key.
      hashKey: 'pk',
      rangeKey: 'sk',
      attributes: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }],
      // Replication between regions reads the table's stream.
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      serverSideEncryption: { enabled: true },
      // Idempotency records and failed-login windows carry their expiry; DynamoDB deletes them after it.
      ttl: { attributeName: EXPIRES_AT, enabled: true },
      replicas: args.replicaRegions.map((regionName) => ({
        regionName,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        propagateTags: true,
        ...(args.consistency === 'strong' ? { consistencyMode: 'STRONG' } : {}),
      })),
    }, { parent: this, provider: args.home.provider });

    this.tableName = table.name;
    this.arns = pulumi
      .all([table.arn, table.replicas])
      .apply(([arn, replicas]) => [arn, ...(replicas ?? []).map((replica) => replica.arn).filter((a): a is string => typeof a === 'string')]);
    this.registerOutputs({ tableName: this.tableName });
  }
}
