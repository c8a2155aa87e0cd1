import { z } from 'zod';
import { regionNameSchema } from '../kernel/region.js';
import { parseWith } from '../kernel/validate.js';

/**
 * The stack's settings: the `fcp:deployment` object of a `Pulumi.<stack>.yaml` file. Validated once,
 * before any resource is declared, so a bad stack file creates nothing and lists every problem.
 */

/** The stack config key that holds the settings object. */
export const SETTINGS_NAMESPACE = 'fcp';
export const SETTINGS_KEY = 'deployment';

/** Most a health-checked public or DB record may be cached: a flip must reach clients within a minute. */
export const MAX_RECORD_TTL = 60;

/**
 * DynamoDB multi-region strong consistency needs exactly three regions from one of these sets.
 * (A witness region could stand in for a third replica; this program always uses three replicas.)
 */
export const STRONG_CONSISTENCY_REGION_SETS: readonly (readonly string[])[] = [
  ['us-east-1', 'us-east-2', 'us-west-2'],
  ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'],
  ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
];

export const regionName = regionNameSchema();

/**
 * The deployment name prefixes AWS names: `<name>-<region>-controller-execution` must fit IAM's 64
 * characters with the longest region names, and RDS identifiers allow no trailing or doubled dashes.
 */
const MAX_NAME_LENGTH = 28;
const identifier = z
  .string()
  .max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters: it prefixes IAM role names, which AWS limits to 64`)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'use lower-case letters, digits and single dashes, starting with a letter and not ending with a dash');

const dnsName = z
  .string()
  .regex(/^([a-z0-9-]+\.)+[a-z0-9-]+\.?$/i, 'must be a DNS name such as "login.example.com"')
  .transform((name) => name.replace(/\.$/, '').toLowerCase());

const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value), { error: (issue) => `${JSON.stringify(issue.input)} is not an http(s) URL` });

const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/, 'must be an IPv4 CIDR block from /16 to /24, such as "10.10.0.0/16"');

/** Either a network this program creates, or an existing VPC the owner already runs. */
const network = z.union(
  [
    z.strictObject({ cidr }),
    z.strictObject({
      vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'must be a VPC id such as "vpc-0123456789abcdef0"'),
      /** The VPC's CIDR block, for the security-group rules that admit traffic from inside it. */
      cidr,
      privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id such as "subnet-0123456789abcdef0"'))
        .min(2, 'list private subnets in at least two availability zones'),
    }),
  ],
  { error: 'give either `cidr` (a new VPC is created) or `vpcId`, `cidr` and `privateSubnetIds` (an existing VPC)' },
);

/** A region as the deployment-wide settings know it: its name and the origin its public record points at. */
export const sharedRegionSchema = z.strictObject({
  name: regionName,
  /** The regional origin the public name points at in this region, e.g. the region's load balancer name. */
  appOrigin: dnsName,
});

/** A region's network: in the one-stack layout beside its name, in the split layout in the region's own stack. */
export const networkSchema = network;

const region = sharedRegionSchema.extend({ network });

const traffic = z.strictObject({
  /** The public name clients use; it resolves to the active region's origin. */
  publicName: dnsName,
  /** The public hosted zone: give `id` to use an existing zone, or only `name` to create one. */
  zone: z.strictObject({ name: dnsName, id: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a hosted zone id such as "Z0123456789ABC"').optional() }),
  /** `failover` (PRIMARY/SECONDARY, two regions only) or `weighted` (any number of regions). */
  routing: z.enum(['weighted', 'failover'], 'must be "weighted" or "failover"').default('weighted'),
  ttl: z.number().int().min(0, 'must be 0 or more').max(MAX_RECORD_TTL, `health-checked records need a TTL of ${MAX_RECORD_TTL} seconds or less so a flip reaches clients quickly`).default(60),
  /** Route 53 health check of each region's origin (a signal for the controller). */
  healthCheck: z
    .strictObject({
      path: z.string().startsWith('/', 'must start with "/"').default('/health'),
      port: z.number().int().min(1).max(65535).default(443),
      interval: z.union([z.literal(10), z.literal(30)], 'must be 10 or 30 (seconds), the intervals Route 53 offers').default(10),
      failureThreshold: z.number().int().min(1).max(10, 'must be between 1 and 10').default(3),
    })
    .prefault({}),
});

const database = z
  .strictObject({
    engine: z.enum(['aurora-postgresql', 'aurora-mysql'], 'must be "aurora-postgresql" or "aurora-mysql"').default('aurora-postgresql'),
    /** Pinned: every member of a global database must run the same version for switchover and failover. */
    engineVersion: z.string().regex(/^\d+\.\d+(\.[\w.]+)?$/, 'pin an exact engine version such as "16.6"'),
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an instance class such as "db.r6g.large"').default('db.r6g.large'),
    /** Instances per regional cluster; at least one so no secondary is headless. */
    instancesPerRegion: z.number().int().min(1, 'every regional cluster needs at least one instance (a headless secondary cannot be promoted)').max(15).default(2),
    databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'use lower-case letters, digits and underscores').default('app'),
    backupRetentionDays: z.number().int().min(7, 'keep at least 7 days of backups').max(35, 'Aurora keeps at most 35 days of backups').default(14),
    /** The private zone, shared by every region's VPC, that holds the DB endpoint names the apps use. */
    privateZoneName: dnsName,
    endpointTtl: z.number().int().min(0).max(MAX_RECORD_TTL, `DB endpoint records need a TTL of ${MAX_RECORD_TTL} seconds or less`).default(5),
  });

const stateTable = z
  .strictObject({
    /** Default: `<name>-fcp-state`. */
    name: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be 3-255 letters, digits, "_", "-" or "."').optional(),
    /**
     * Default: `strong` when the stack has three regions from one multi-region-strong-consistency set;
     * three regions outside one set must choose explicitly; otherwise `eventual`.
     */
    consistency: z.enum(['strong', 'eventual'], 'must be "strong" or "eventual"').optional(),
  })
  .prefault({});

/** The audit chain's signed checkpoints (tamper evidence). */
const audit = z
  .strictObject({
    /** Days a checkpoint can be neither changed nor deleted, by anyone (S3 Object Lock, compliance mode). */
    retentionDays: z.number().int().min(1).max(3650).default(400),
  })
  .prefault({});

const controller = z.strictObject({
  /** The image tag to run (built and pushed by the image workflow); pin a version, never `latest`. */
  imageTag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an image tag such as "0.1.0" or a commit sha')
    .refine((tag) => tag !== 'latest', 'pin a version or commit sha; `latest` makes deploys unreviewable'),
  cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048)], 'must be 256, 512, 1024 or 2048 (Fargate CPU units)').default(512),
  memory: z.number().int().min(512).max(16384).default(1024),
  apiPort: z.number().int().min(1024, 'use an unprivileged port (1024 or above): the container runs as a non-root user').max(65535).default(8080),
  logRetentionDays: z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365)], 'must be 30, 90, 180 or 365').default(90),
  /** Addresses subscribed to each region's alarm topic. */
  alarmEmails: z.array(z.email('must be an e-mail address')).default([]),
});

const service = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes'),
  critical: z.boolean().default(true),
  /** This service's health URL in every region (probed by the controller). */
  endpoints: z.record(z.string(), httpUrl),
});

/** What every layout's deployment-wide settings hold, besides the regions. */
const deploymentFields = {
  /** Deployment name: prefixes resource names and becomes the controller config's `name`. */
  name: identifier,
  /**
   * The home region: where the global database, the state table and the audit bucket are created,
   * where the public name points first, and where a failback returns. It stays put through
   * failovers (changing it would move those resources); `writerRegion` follows them.
   */
  primaryRegion: regionName,
  /**
   * The region whose cluster writes now, as the controller last saw it: it follows failovers, and
   * `fcp infra topology --stack <file>` renders it from the live controller. Default: the home
   * region. Nothing the program declares depends on it (every role-specific argument is anchored to
   * the home region or ignored after creation), so a preview after a failover proposes no change.
   */
  writerRegion: regionName.optional(),
  traffic,
  database,
  stateTable,
  audit,
  controller,
  services: z.array(service).min(1, 'list at least one service for the controller to probe'),
};

const regionList = <R extends z.ZodType>(schema: R) => z.array(schema).min(2, 'list at least two regions: the primary and one standby').max(5, 'at most five regions');
const wholeObject = z.strictObject({ ...deploymentFields, regions: regionList(region) });
const sharedObject = z.strictObject({ ...deploymentFields, regions: regionList(sharedRegionSchema) });
type DeploymentCheck = Omit<z.output<typeof sharedObject>, 'regions'> & { regions: (z.output<typeof sharedRegionSchema> & { network?: { cidr: string } })[] };

/** The rules that span fields, in either layout (a region's network only when the settings carry it). */
function checkDeployment(settings: DeploymentCheck, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const names = settings.regions.map((r) => r.name);

  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) issue(['regions', index, 'name'], `"${name}" is listed twice; each region appears once`);
  });
  if (!names.includes(settings.primaryRegion)) {
    issue(['primaryRegion'], `"${settings.primaryRegion}" is not among the regions (${names.join(', ')}); add it to \`regions\` or pick one of them`);
  }
  if (settings.writerRegion !== undefined && !names.includes(settings.writerRegion)) {
    issue(['writerRegion'], `"${settings.writerRegion}" is not among the regions (${names.join(', ')}); render it from the live controller with \`fcp infra topology --stack <file> --write\``);
  }

  const cidrs = settings.regions.map((r) => r.network?.cidr);
  cidrs.forEach((block, index) => {
    if (block !== undefined && cidrs.indexOf(block) !== index) issue(['regions', index, 'network', 'cidr'], `${block} is already used by ${names[cidrs.indexOf(block)]}; the private zone spans every VPC, so give each region its own block`);
  });

  if (settings.traffic.routing === 'failover' && names.length !== 2) {
    issue(['traffic', 'routing'], `failover routing has only PRIMARY and SECONDARY records, so it needs exactly two regions (found ${names.length}); use "weighted"`);
  }
  if (!settings.traffic.publicName.endsWith(`.${settings.traffic.zone.name}`)) {
    issue(['traffic', 'publicName'], `"${settings.traffic.publicName}" is not inside the zone "${settings.traffic.zone.name}" (the public records are CNAMEs, which cannot sit at the zone apex)`);
  }

  const consistency = settings.stateTable.consistency;
  if (consistency === undefined && names.length === 3 && !supportsStrongConsistency(names)) {
    // The lease relies on conditional writes; say so rather than silently settle for eventual consistency.
    issue(['stateTable', 'consistency'], `three regions that are not one multi-region strong consistency set (${STRONG_CONSISTENCY_REGION_SETS.map((set) => set.join('/')).join('; ')}): choose regions from one set, or set "eventual" to accept an eventually consistent lease table`);
  }
  if (consistency === 'strong' && !supportsStrongConsistency(names)) {
    issue(['stateTable', 'consistency'], `multi-region strong consistency needs exactly three regions from one set (${STRONG_CONSISTENCY_REGION_SETS.map((set) => set.join('/')).join('; ')}); use "eventual" or change the regions`);
  }

  const known = new Set(names);
  settings.services.forEach((s, index) => {
    if (settings.services.findIndex((other) => other.name === s.name) !== index) issue(['services', index, 'name'], `service "${s.name}" is listed twice`);
    for (const name of names) if (!(name in s.endpoints)) issue(['services', index, 'endpoints'], `missing an endpoint for region "${name}"`);
    for (const key of Object.keys(s.endpoints)) {
      if (!known.has(key)) issue(['services', index, 'endpoints', key], `"${key}" is not one of the regions (${names.join(', ')})`);
    }
  });
  if (!settings.services.some((s) => s.critical)) {
    issue(['services'], 'mark at least one service `critical: true`; the controller judges a region by its critical services');
  }
}

/** The whole deployment in one stack (`Pulumi.example.yaml`): every region with its network. */
export const stackSettingsSchema = wholeObject.superRefine(checkDeployment);
/** The split layout's shared stack: the same settings, each region's network in its own stack. */
export const sharedSettingsSchema = sharedObject.superRefine(checkDeployment);

export type StackSettingsInput = z.input<typeof stackSettingsSchema>;
export type StackSettings = z.output<typeof stackSettingsSchema>;
export type SharedSettings = z.output<typeof sharedSettingsSchema>;
export type RegionSettings = StackSettings['regions'][number];

/** True when the regions can host a DynamoDB table with multi-region strong consistency. */
export function supportsStrongConsistency(regions: readonly string[]): boolean {
  if (regions.length !== 3) return false;
  return STRONG_CONSISTENCY_REGION_SETS.some((set) => regions.every((name) => set.includes(name)));
}

/** The state table's consistency mode after defaults. */
export function stateTableConsistency(settings: Pick<SharedSettings, 'stateTable' | 'regions'>): 'strong' | 'eventual' {
  return settings.stateTable.consistency ?? (supportsStrongConsistency(settings.regions.map((r) => r.name)) ? 'strong' : 'eventual');
}

/** HTTPS (AWS APIs, ARC, Route 53) plus every port the controller's probes connect to, ascending. */
export function controllerEgressPorts(settings: Pick<SharedSettings, 'services'>): number[] {
  const ports = new Set([443]);
  for (const service of settings.services) {
    for (const endpoint of Object.values(service.endpoints)) {
      const url = new URL(endpoint);
      ports.add(url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** The region that writes now: the stack's `writerRegion`, else the home region. */
export function writerRegion(settings: Pick<StackSettings, 'primaryRegion' | 'writerRegion'>): string {
  return settings.writerRegion ?? settings.primaryRegion;
}

export function stateTableName(settings: Pick<SharedSettings, 'stateTable' | 'name'>): string {
  return settings.stateTable.name ?? `${settings.name}-fcp-state`;
}

/** The primary region first, then the standbys in the order the stack lists them. */
export function orderedRegions<R extends { name: string }>(settings: { primaryRegion: string; regions: readonly R[] }): R[] {
  const primary = settings.regions.filter((r) => r.name === settings.primaryRegion);
  return [...primary, ...settings.regions.filter((r) => r.name !== settings.primaryRegion)];
}

/**
 * Validates the settings object. Throws an InputError listing every problem, each with the path of
 * the field under `fcp:deployment` (`regions[1].name: ...`).
 */
export function parseStackSettings(value: unknown, source = `${SETTINGS_NAMESPACE}:${SETTINGS_KEY}`): StackSettings {
  return parseWith(stackSettingsSchema, value, `stack settings ${source}`);
}
