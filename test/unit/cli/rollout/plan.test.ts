import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { orderRollout, readStacks } from '../../../../cli/rollout/plan.js';
import { SANDBOX_REGIONS, writeSplitStacks } from './stacks.js';

const dir = writeSplitStacks();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL = ['sbx-endpoints', 'sbx-us-east-1', 'sbx-eu-west-1', 'sbx-shared', 'sbx-us-west-2'];
const order = (primary: string, names = ALL) => orderRollout(readStacks(dir, names), { primary, regions: [...SANDBOX_REGIONS] }).map((s) => `${s.stack}:${s.role}`);

describe('the order of a rollout', () => {
  it('applies the shared stack first, the standbys in the order given, the primary last, then the endpoints', () => {
    expect(order('us-east-1')).toEqual(['sbx-shared:deployment-wide', 'sbx-eu-west-1:standby', 'sbx-us-west-2:standby', 'sbx-us-east-1:primary', 'sbx-endpoints:deployment-wide']);
  });

  it('follows the current primary, not the configured one', () => {
    expect(order('us-west-2')).toEqual(['sbx-shared:deployment-wide', 'sbx-us-east-1:standby', 'sbx-eu-west-1:standby', 'sbx-us-west-2:primary', 'sbx-endpoints:deployment-wide']);
  });

  it('watches every region after a deployment-wide stack and its own region after a region stack', () => {
    const steps = orderRollout(readStacks(dir, ['sbx-shared', 'sbx-eu-west-1']), { primary: 'us-east-1', regions: [...SANDBOX_REGIONS] });
    expect(steps.map((s) => s.regions)).toEqual([[...SANDBOX_REGIONS], ['eu-west-1']]);
  });
});

describe('stacks a rollout refuses (bad input)', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return [(error as InputError).message, ...(error as InputError).problems].join('\n');
    }
    throw new Error('accepted');
  };

  it('an unknown stack, naming its settings file', () => {
    expect(refusal(() => readStacks(dir, ['sbx-shared', 'sbx-mars-1']))).toMatch(/unknown stack "sbx-mars-1": cannot read stack file .*Pulumi\.sbx-mars-1\.yaml: no such file\n--stacks: sbx-mars-1 needs a valid settings file/);
  });

  it('a stack file with invalid settings, listing the problems', () => {
    writeFileSync(join(dir, 'Pulumi.sbx-broken.yaml'), 'config:\n  fcp:tier: region\n  fcp:region: { shared: x, name: us-east-9, network: { cidr: 10.0.0.0/8 } }\n');
    expect(refusal(() => readStacks(dir, ['sbx-broken']))).toMatch(/name: "us-east-9" is not an AWS region[\s\S]*network/);
  });

  it('a stack listed twice, a stack name that is not one, and no stacks at all', () => {
    expect(refusal(() => readStacks(dir, ['sbx-shared', 'sbx-shared']))).toContain('stack sbx-shared is listed twice');
    expect(refusal(() => readStacks(dir, ['../etc/passwd']))).toContain('is not a stack name');
    expect(refusal(() => readStacks(dir, []))).toContain('--stacks: name the stacks');
  });

  it('a region the controller does not know, and two stacks for one region', () => {
    expect(refusal(() => orderRollout(readStacks(dir, ['sbx-eu-west-1']), { primary: 'us-east-1', regions: ['us-east-1', 'us-west-2'] }))).toContain('stack sbx-eu-west-1 is for eu-west-1, which the controller does not know');
    writeFileSync(join(dir, 'Pulumi.sbx-eu-west-1b.yaml'), 'config:\n  fcp:tier: region\n  fcp:region: { shared: sbx-shared, name: eu-west-1, network: { cidr: 10.90.0.0/16 } }\n');
    expect(refusal(() => order('us-east-1', ['sbx-eu-west-1', 'sbx-eu-west-1b']))).toContain('stacks sbx-eu-west-1 and sbx-eu-west-1b are both for eu-west-1');
  });
});
