import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { RegionSettings } from '../settings.js';
import { Network } from './network.js';

export interface RegionStackArgs {
  deployment: string;
  region: RegionSettings;
  apiPort: number;
  databasePort: number;
  egressPorts: readonly number[];
}

/**
 * What every region of the deployment has before anything runs in it: its own KMS key (encryption
 * never depends on another region's key service) and the controller's network.
 */
export class RegionStack extends pulumi.ComponentResource {
  readonly region: string;
  readonly provider: aws.Provider;
  readonly keyArn: pulumi.Output<string>;
  readonly network: Network;

  constructor(name: string, args: RegionStackArgs, opts: pulumi.ComponentResourceOptions & { provider: aws.Provider }) {
    super('fcp:infra:RegionStack', name, {}, opts);
    const child = { parent: this, provider: opts.provider };
    this.region = args.region.name;
    this.provider = opts.provider;

    const key = new aws.kms.Key(`${name}-key`, {
      description: `${args.deployment} ${args.region.name}: Aurora storage and the database master secret`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    }, child);
    new aws.kms.Alias(`${name}-key`, { name: `alias/${args.deployment}-${args.region.name}`, targetKeyId: key.keyId }, child);
    this.keyArn = key.arn;

    this.network = new Network(name, {
      region: args.region.name,
      network: args.region.network,
      apiPort: args.apiPort,
      databasePort: args.databasePort,
      egressPorts: args.egressPorts,
    }, child);
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
