import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingMocks } from '../../infra/synth/mocks.js';
import { STACK_TIER_TYPE } from '../../infra/policy/policy-inventory.js';
import { readStackConfig } from '../../infra/synth/stack-file.js';
import { exampleSettings, ROOT, THREE_REGION_STACK } from './fixtures.js';

/** The program's entry point under mocks: bad stack settings stop it before any resource exists. */
const mocks = new RecordingMocks();
let program: () => Promise<unknown>;

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, 'failover-control-plane', 'invalid', false);
  ({ default: program } = await import('../../infra/index.js'));
});

/** Components too: the mocks above record cloud resources only. */
const components: string[] = [];
const newResource = mocks.newResource.bind(mocks);
mocks.newResource = (args) => {
  if (args.custom === false) components.push(`${args.type}::${args.name}`);
  return newResource(args);
};

async function runWith(settings: unknown): Promise<string> {
  pulumi.runtime.setAllConfig(settings === undefined ? {} : { 'fcp:deployment': JSON.stringify(settings) });
  try {
    await program();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the program accepted the settings');
}

describe('infra/index.ts', () => {
  it('stops on invalid settings, listing every problem with its path, and declares nothing', async () => {
    const settings = exampleSettings(THREE_REGION_STACK);
    settings.primaryRegion = 'eu-west-1';
    settings.regions[1]!.name = 'us-east-1';
    settings.regions[2]!.name = 'mars-north-1';
    settings.traffic.ttl = 300;

    const message = await runWith(settings);
    expect(message).toMatch(/stack settings fcp:deployment is invalid \(\d+ problems\)/);
    expect(message).toContain('  - primaryRegion: "eu-west-1" is not among the regions');
    expect(message).toContain('  - regions[1].name: "us-east-1" is listed twice');
    expect(message).toContain('  - regions[2].name: "mars-north-1" is not an AWS region');
    expect(message).toContain('  - traffic.ttl: health-checked records need a TTL of 60 seconds or less');
    expect(mocks.resources).toEqual([]);
  });

  it('says where the settings go when the stack has none', async () => {
    expect(await runWith(undefined)).toMatch(/no `fcp:deployment` setting; copy Pulumi\.example\.yaml/);
    expect(mocks.resources).toEqual([]);
  });
});

describe('a stack of the split layout', () => {
  it('says its tier with a component, for the policy pack', async () => {
    const config = readStackConfig(`${ROOT}Pulumi.example-split-shared.yaml`);
    pulumi.runtime.setAllConfig({ 'fcp:tier': 'shared', 'fcp:deployment': JSON.stringify(config['fcp:deployment']) });
    await program();
    // Registrations go out asynchronously: wait until every one has been sent.
    await pulumi.runtime.disconnect();
    expect(components).toContain(`${STACK_TIER_TYPE}::shared`);
    expect(components.filter((c) => c.startsWith(STACK_TIER_TYPE))).toHaveLength(1);
  });
});
