import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { RegionSettings } from '../settings.js';
import { subnetCidr } from './cidr.js';

export interface NetworkArgs {
  region: string;
  network: RegionSettings['network'];
  /** The controller API's port, admitted from inside the VPC. */
  apiPort: number;
  /** The database's port, admitted from inside the VPC. */
  databasePort: number;
  /** Ports the controller connects out to: 443 for AWS APIs and ARC, plus its probe targets' ports. */
  egressPorts: readonly number[];
}

/**
 * AWS APIs the controller and its task runtime call, reached through interface endpoints so the
 * calls stay inside the region's network (ECR and logs for the task itself, SSM for its config).
 */
const INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'ssm', 'sts', 'rds', 'sns', 'monitoring'] as const;
/** Gateway endpoints: S3 serves ECR's image layers; DynamoDB holds the controller's state. */
const GATEWAY_ENDPOINTS = ['s3', 'dynamodb'] as const;
const AZ_COUNT = 2;

/**
 * The controller's network in one region: a VPC with private subnets in two availability zones, a
 * NAT gateway per zone (the controller probes public endpoints and calls Route 53 and ARC), and the
 * VPC endpoints for the AWS APIs it uses. Or, with `vpcId`, an existing VPC and its subnets.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly controllerSecurityGroupId: pulumi.Output<string>;
  readonly databaseSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts: pulumi.ComponentResourceOptions & { provider: aws.Provider }) {
    super('fcp:infra:Network', name, {}, opts);
    const child = { parent: this, provider: opts.provider };
    const vpcCidr = args.network.cidr;

    let vpcId: pulumi.Output<string>;
    let privateSubnetIds: pulumi.Output<string>[];
    if ('vpcId' in args.network) {
      vpcId = pulumi.output(args.network.vpcId);
      privateSubnetIds = args.network.privateSubnetIds.map((id) => pulumi.output(id));
    } else {
      const created = this.createVpc(name, args.region, vpcCidr, child);
      vpcId = created.vpcId;
      privateSubnetIds = created.privateSubnetIds;
    }

    const controller = new aws.ec2.SecurityGroup(`${name}-controller`, {
      vpcId,
      description: 'fcp controller tasks: API from inside the VPC; out to probe targets, Route 53, ARC and AWS APIs',
      ingress: [{ description: 'controller API', protocol: 'tcp', fromPort: args.apiPort, toPort: args.apiPort, cidrBlocks: [vpcCidr] }],
      egress: args.egressPorts.map((port) => ({ description: `out to port ${port}`, protocol: 'tcp', fromPort: port, toPort: port, cidrBlocks: ['0.0.0.0/0'] })),
    }, child);
    const database = new aws.ec2.SecurityGroup(`${name}-database`, {
      vpcId,
      description: 'Aurora cluster: database port from inside the VPC only',
      ingress: [{ description: 'database', protocol: 'tcp', fromPort: args.databasePort, toPort: args.databasePort, cidrBlocks: [vpcCidr] }],
    }, child);

    this.vpcId = vpcId;
    this.privateSubnetIds = pulumi.all(privateSubnetIds);
    this.controllerSecurityGroupId = controller.id;
    this.databaseSecurityGroupId = database.id;
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }

  private createVpc(name: string, region: string, vpcCidr: string, child: pulumi.CustomResourceOptions) {
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: vpcCidr,
      // Both are required for interface endpoints' private DNS and for the private hosted zone.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${name}-vpc` },
    }, child);
    const zones = aws.getAvailabilityZonesOutput({ state: 'available' }, { provider: child.provider });
    const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, child);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
    }, child);

    const privateSubnetIds: pulumi.Output<string>[] = [];
    const privateRouteTableIds: pulumi.Output<string>[] = [];
    for (let az = 0; az < AZ_COUNT; az++) {
      const availabilityZone = zones.names.apply((names) => {
        const zone = names[az];
        if (!zone) throw new Error(`${region} reports fewer than ${AZ_COUNT} available zones`);
        return zone;
      });
      const suffix = String.fromCharCode(97 + az);
      const publicSubnet = new aws.ec2.Subnet(`${name}-public-${suffix}`, {
        vpcId: vpc.id, availabilityZone, cidrBlock: subnetCidr(vpcCidr, 2, AZ_COUNT + az), mapPublicIpOnLaunch: false, tags: { Name: `${name}-public-${suffix}` },
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-public-${suffix}`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, child);
      const natAddress = new aws.ec2.Eip(`${name}-nat-${suffix}`, { domain: 'vpc' }, child);
      // One NAT gateway per zone, so losing a zone does not cut the other zone's egress.
      const nat = new aws.ec2.NatGateway(`${name}-nat-${suffix}`, { subnetId: publicSubnet.id, allocationId: natAddress.id }, child);

      const privateSubnet = new aws.ec2.Subnet(`${name}-private-${suffix}`, {
        vpcId: vpc.id, availabilityZone, cidrBlock: subnetCidr(vpcCidr, 2, az), mapPublicIpOnLaunch: false, tags: { Name: `${name}-private-${suffix}` },
      }, child);
      const privateRoutes = new aws.ec2.RouteTable(`${name}-private-${suffix}`, {
        vpcId: vpc.id,
        routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }],
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-private-${suffix}`, { subnetId: privateSubnet.id, routeTableId: privateRoutes.id }, child);
      privateSubnetIds.push(privateSubnet.id);
      privateRouteTableIds.push(privateRoutes.id);
    }

    const endpoints = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
      vpcId: vpc.id,
      description: 'VPC interface endpoints: HTTPS from inside the VPC',
      ingress: [{ description: 'HTTPS', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: [vpcCidr] }],
    }, child);
    for (const service of INTERFACE_ENDPOINTS) {
      new aws.ec2.VpcEndpoint(`${name}-${service.replace('.', '-')}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: privateSubnetIds,
        securityGroupIds: [endpoints.id],
      }, child);
    }
    for (const service of GATEWAY_ENDPOINTS) {
      new aws.ec2.VpcEndpoint(`${name}-${service}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: privateRouteTableIds,
      }, child);
    }
    return { vpcId: vpc.id, privateSubnetIds };
  }
}
