import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { SandboxSpec } from '../spec.js';
import { FcpError, InputError } from '../../kernel/errors.js';
import { controllerRoleName, weightedRecordsStatements } from '../../infra/components/controller-policy.js';
import { MOCK_ACCOUNT } from '../../infra/synth/mock-account.js';
import type { DeploymentOutputs } from '../../infra/outputs.js';
import type { StackSettingsInput } from '../../infra/settings.js';
import { awsCheckpoints, commonZone, DEFAULT_PUBLIC_ZONE_ID, parentZone } from '../setup/seed.js';
import { bareKeyId } from '../kms/keys.js';

/**
 * The IAM policy the sandbox enforces by default: the controller task role that `infra/` renders,
 * synthesized under Pulumi mocks (`infra:synth`) for a stack shaped like the sandbox's world, with
 * the mocked identifiers replaced by the sandbox's own (its routing controls, zones, clusters,
 * table, account). A permission missing in `infra/` is missing here. The synth runs in a child
 * process (Pulumi's runtime state is global) and its result is cached by the content of `infra/`
 * and the sandbox's settings, so only the first start after a change pays for it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SYNTH_TOOL = join(ROOT, 'infra/tools/synth.ts');
const SYNTH_DEADLINE_MS = 120_000;
/** What the rendered policy depends on besides the settings: the program and the config code it imports. */
const SOURCE_DIRS = ['infra', 'controller/config'];

export interface ControllerRole {
  /** Per region: the role's ARN and its policy document, with the sandbox's identifiers. */
  regions: Record<string, { roleArn: string; policy: unknown }>;
  /** Where the policy came from, for messages. */
  source: string;
}

/** The AWS account the sandbox's resources live in: the one its cluster ARNs name. */
export function sandboxAccount(config: SandboxSpec): string {
  const arn = Object.values(config.database.clusters)[0]?.arn ?? '';
  return arn.split(':')[4] || '000000000000';
}

export const sandboxRoleArn = (config: SandboxSpec, region: string): string => `arn:aws:iam::${sandboxAccount(config)}:role/${controllerRoleName(config.name, region)}`;

/** A stack whose synth declares the sandbox's world: same deployment name, regions, names and table. */
export function sandboxStackSettings(config: SandboxSpec): StackSettingsInput {
  const records = config.database.endpointRecords;
  const zone = parentZone(config.traffic.publicName);
  const primary = config.regions.find((r) => r.role === 'primary')?.name ?? '';
  return {
    name: config.name,
    primaryRegion: primary,
    regions: config.regions.map((r, index) => ({ name: r.name, network: { cidr: `10.${100 + index}.0.0/16` }, appOrigin: `origin.${r.name}.${zone}` })),
    traffic: { publicName: config.traffic.publicName, zone: { name: zone } },
    database: { engineVersion: '16.6', privateZoneName: commonZone([records.writer, ...Object.values(records.readers)]) },
    stateTable: { name: config.store.tableName, consistency: 'eventual' },
    controller: { imageTag: 'sandbox' },
    services: config.services.map((s) => ({ name: s.name, critical: s.critical, endpoints: { ...s.endpoints } })),
  };
}

function sourceHash(settings: StackSettingsInput): string {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  for (const dir of SOURCE_DIRS) {
    const files = readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) hash.update(file.slice(ROOT.length)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 24);
}

/** What is kept of a synth: each region's task-role policy as rendered (mocked ids) and the stack outputs. */
interface Synthesized {
  taskPolicies: Record<string, string>;
  outputs: DeploymentOutputs;
}

interface Inventory {
  resources: { type: string; name: string; props: Record<string, unknown> }[];
}

/** The task role policies, by region, of the synthesized stack. */
function taskPolicies(settings: StackSettingsInput, inventory: Inventory): Record<string, string> {
  return Object.fromEntries(
    settings.regions.map(({ name: region }) => {
      const name = `${settings.name}-${region}-controller-task`;
      const rolePolicy = inventory.resources.find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name === name);
      if (typeof rolePolicy?.props.policy !== 'string') throw new FcpError(`the synth of the sandbox's stack has no task role policy ${name}`);
      return [region, rolePolicy.props.policy];
    }),
  );
}

async function synthesize(settings: StackSettingsInput): Promise<Synthesized> {
  const scratch = mkdtempSync(join(tmpdir(), 'fcp-sandbox-synth-'));
  try {
    const stack = join(scratch, 'Pulumi.sandbox.yaml');
    const outputs = join(scratch, 'outputs.json');
    writeFileSync(stack, YAML.stringify({ config: { 'fcp:deployment': settings } }));
    const inventory = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', SYNTH_TOOL, '--stack', stack, '--json', '--outputs', outputs], { cwd: ROOT, timeout: SYNTH_DEADLINE_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        // Exit 1 is the policy guard's verdict: the inventory is still complete and is enforced as rendered.
        if (error && error.code !== 1) reject(new FcpError(`the synth of the sandbox's stack failed: ${stderr.trim() || error.message}`, { cause: error }));
        else resolve(stdout);
      });
    });
    return { taskPolicies: taskPolicies(settings, JSON.parse(inventory) as Inventory), outputs: JSON.parse(readFileSync(outputs, 'utf8')) as DeploymentOutputs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Mocked identifier -> the sandbox's, longest first so no replacement cuts into a longer one. */
function identifierMap(config: SandboxSpec, outputs: DeploymentOutputs): [string, string][] {
  const account = sandboxAccount(config);
  const bare = (id: string) => id.replace(/^\/hostedzone\//, '');
  const checkpoints = awsCheckpoints(config);
  const pairs: [string | undefined, string | undefined][] = [
    [outputs.traffic.publicZoneId, config.traffic.mechanism === 'arc' ? DEFAULT_PUBLIC_ZONE_ID : bare(config.traffic.hostedZoneId)],
    [outputs.database.globalClusterArn, `arn:aws:rds::${account}:global-cluster:${config.database.globalClusterIdentifier}`],
    [bare(outputs.database.endpointRecords.hostedZoneId), bare(config.database.endpointRecords.hostedZoneId)],
    [outputs.database.endpointRecords.writer, config.database.endpointRecords.writer],
    ...config.regions.flatMap(({ name }): [string | undefined, string | undefined][] => [
      [outputs.traffic.routingControls[name], config.traffic.mechanism === 'arc' ? config.traffic.routingControls[name] : undefined],
      [outputs.traffic.originHealthChecks[name], config.signals.route53HealthChecks?.[name]],
      [outputs.database.clusters[name]?.arn, config.database.clusters[name]?.arn],
      [outputs.database.endpointRecords.readers[name], config.database.endpointRecords.readers[name]],
    ]),
    // The checkpoint key (its id is in each region's ARN) and bucket, when the sandbox serves them.
    [outputs.auditCheckpoints.keyId, checkpoints && bareKeyId(checkpoints.kmsKeyId)],
    [outputs.auditCheckpoints.bucket, checkpoints?.bucket],
    [`:${MOCK_ACCOUNT}:`, `:${account}:`],
  ];
  return pairs.filter((pair): pair is [string, string] => pair[0] !== undefined && pair[1] !== undefined).sort((a, b) => b[0].length - a[0].length);
}

function render(config: SandboxSpec, synthesized: Synthesized): ControllerRole['regions'] {
  const replacements = identifierMap(config, synthesized.outputs);
  const regions: ControllerRole['regions'] = {};
  for (const { name: region } of config.regions) {
    const text = replacements.reduce((current, [mocked, real]) => current.split(mocked).join(real), synthesized.taskPolicies[region] ?? '');
    const policy = JSON.parse(text) as { Statement: unknown[] };
    // infra deploys ARC routing controls; a sandbox running the route53 mechanism adds what that needs.
    if (config.traffic.mechanism === 'route53') {
      policy.Statement.push(...weightedRecordsStatements({ zoneId: config.traffic.hostedZoneId, name: config.traffic.publicName, type: config.traffic.recordType }));
    }
    regions[region] = { roleArn: sandboxRoleArn(config, region), policy };
  }
  return regions;
}

/** The controller role for the sandbox's world, from the cache in `cacheDir` or a fresh synth. */
export async function renderedControllerRole(config: SandboxSpec, cacheDir = join(tmpdir(), 'fcp-sandbox-iam')): Promise<ControllerRole> {
  const settings = sandboxStackSettings(config);
  const file = join(cacheDir, `controller-role-${sourceHash(settings)}.json`);
  let synthesized: Synthesized;
  try {
    synthesized = JSON.parse(readFileSync(file, 'utf8')) as Synthesized;
  } catch {
    synthesized = await synthesize(settings);
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed, so a process starting at the same time never reads half a file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(synthesized));
    renameSync(partial, file);
  }
  return { regions: render(config, synthesized), source: 'the controller task role rendered by infra/' };
}

/** A policy file given in `sandbox.iamPolicy`: the one document every replica's role gets. */
export function policyFileRole(config: SandboxSpec, path: string): ControllerRole {
  let policy: unknown;
  try {
    policy = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InputError(`cannot read the IAM policy ${path}`, [`sandbox.iamPolicy: ${path}: ${cause instanceof SyntaxError ? `not JSON (${cause.message})` : 'cannot be read'}`], { cause });
  }
  return { regions: Object.fromEntries(config.regions.map(({ name }) => [name, { roleArn: sandboxRoleArn(config, name), policy }])), source: `sandbox.iamPolicy: ${path}` };
}
