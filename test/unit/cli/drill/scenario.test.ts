import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadConfig } from '../../../../controller/config/load.js';
import { BOUNDARIES, matrixScenario, WAYS, type Way } from '../../../../cli/drill/matrix.js';
import { loadDrillScenario, shippedScenarios } from '../../../../cli/drill/scenario.js';
import { InputError } from '../../../../kernel/errors.js';
import { fcp, resetCliAfterEach } from '../in-process.js';
import { writeSplitStacks } from '../rollout/stacks.js';

resetCliAfterEach();
const config = loadConfig(new URL('../../../../examples/sandbox.yaml', import.meta.url).pathname);

function scenarioFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fcp-drill-')), 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

describe('drill scenarios', () => {
  it('ships one scenario per seed incident kind, each valid against the embedded default', () => {
    expect(shippedScenarios()).toEqual([
      'bad-change-rollout',
      'bad-deploy',
      'brownout',
      'dependency-hang',
      'partition',
      'rate-limit-storm',
      'region-cut-from-database',
      'region-hang',
      'region-outage',
      'regional-outage-credentials-route53',
      'switchover',
    ]);
    for (const name of shippedScenarios()) expect(loadDrillScenario(name, config).name).toBe(name);
  });

  it('reads the headline scenario as a fault schedule with its expectation', () => {
    const scenario = loadDrillScenario('regional-outage-credentials-route53', config);
    expect(scenario.leaseHolder).toBe('us-east-1');
    expect(scenario.faults.map((f) => f.fault?.kind)).toEqual(['region-down', 'access-denied', 'route53-down']);
    expect(scenario.expect).toEqual({ outcome: 'failover', classification: 'regional', noRoute53Changes: true });
  });

  it('lists every problem of a bad scenario with its path', () => {
    const file = scenarioFile(
      [
        'name: Bad Name',
        'description: ""',
        'leaseHolder: us-west-9',
        'faults:',
        '  - { at: 0s, fault: { kind: meteor } }',
        '  - { at: 0s, crash: us-west-2, fault: { kind: store-down } }',
        '  - { afterStep: promote, crash: us-west-2 }',
        'expect: { outcome: maybe }',
      ].join('\n'),
    );
    let problems: readonly string[] = [];
    try {
      loadDrillScenario(file, config);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      problems = (error as InputError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: /),
        expect.stringMatching(/^description: /),
        expect.stringMatching(/^leaseHolder: "us-west-9" is not a configured region/),
        expect.stringMatching(/^faults\[0\]\.fault\.kind: kind must be one of/),
        expect.stringMatching(/^faults\[1\]\.fault: give exactly one of `fault`/),
        expect.stringMatching(/^faults\[2\]\.afterStep: /),
        expect.stringMatching(/^expect\.outcome: must be failover, switchover or none/),
      ]),
    );
  });

  it('reads a rollout rehearsal: the stacks of the split layout, the bake, the bad change as a sandbox fault, where it must halt', () => {
    const scenario = loadDrillScenario('bad-change-rollout', config);
    expect(scenario.rollout).toEqual({
      stacks: ['sandbox-shared', 'sandbox-us-east-1', 'sandbox-us-west-2', 'sandbox-eu-west-1', 'sandbox-endpoints'],
      bake: 6000,
      commit: 'bad0c4a9e1f2',
      changes: { 'sandbox-eu-west-1': { kind: 'db-cut', region: 'eu-west-1' } },
    });
    expect(scenario.faults).toEqual([]);
    expect(scenario.expect).toMatchObject({ outcome: 'none', rollout: { haltsAt: 'sandbox-eu-west-1' } });
    // Bounded: every stack's bake fits in the watch.
    expect(scenario.rollout!.stacks.length * scenario.rollout!.bake).toBeLessThan(scenario.watch);
  });

  it('names every bad field of a rollout rehearsal', () => {
    const problemsOf = (text: string): readonly string[] => {
      try {
        loadDrillScenario(scenarioFile(text), config);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as InputError).problems;
      }
      throw new Error('the scenario was accepted');
    };
    const rollout = (fields: string) => ['name: r', 'description: a rollout', 'watch: 20s', `rollout: { ${fields} }`].join('\n');
    expect(
      problemsOf(
        `${rollout('stacks: [sandbox-shared, sandbox-mars-1], bake: 1s, commit: HEAD, changes: { sandbox-eu-west-1: { kind: meteor }, sandbox-shared: { kind: db-cut, region: us-west-9 } }')}\nexpect: { outcome: none, rollout: { haltsAt: sandbox-us-west-2 } }`,
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rollout\.bake: "1s" must be between 5000ms and 60000ms/),
        expect.stringMatching(/^rollout\.commit: the commit the rollout names: 7 to 40 lower-case hex digits/),
        expect.stringMatching(/^rollout\.changes\.sandbox-eu-west-1\.kind: kind must be one of/),
        expect.stringMatching(/^rollout\.changes\.sandbox-shared\.region: "us-west-9" is not a sandbox region/),
      ]),
    );
    expect(
      problemsOf(`${rollout('stacks: [sandbox-shared, sandbox-mars-1], bake: 5s, commit: abc1234, changes: { sandbox-eu-west-1: { kind: db-cut, region: eu-west-1 } }')}\nexpect: { outcome: none, rollout: { haltsAt: sandbox-shared } }`),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rollout\.stacks: unknown stack "sandbox-mars-1"/),
        expect.stringMatching(/^rollout\.changes\.sandbox-eu-west-1: not one of rollout\.stacks \(sandbox-shared, sandbox-mars-1\)/),
        expect.stringMatching(/^expect\.rollout\.haltsAt: a stack whose change injects a fault \(rollout\.changes: sandbox-eu-west-1\)/),
      ]),
    );
    expect(problemsOf(`${rollout('stacks: [sandbox-shared, sandbox-us-west-2, sandbox-eu-west-1, sandbox-us-east-1], bake: 5s, commit: abc1234')}\nexpect: { outcome: none }`)).toEqual([
      expect.stringMatching(/^expect\.rollout: say what the rollout must do/),
      expect.stringMatching(/^watch: the rollout bakes 4 stacks of 5000ms each; watch longer than that/),
    ]);
    expect(problemsOf('name: r\ndescription: d\nfaults: [{ fault: { kind: store-down } }]\nexpect: { outcome: none, rollout: {} }')).toEqual([expect.stringMatching(/^expect\.rollout: only with a `rollout` to rehearse/)]);
  });

  it('builds a valid scenario for every cell of the fault matrix', () => {
    for (const boundary of BOUNDARIES) {
      for (const way of Object.keys(WAYS) as Way[]) {
        const scenario = matrixScenario(config, boundary, way);
        expect(scenario).toMatchObject({ leaseHolder: 'eu-west-1', expect: { outcome: 'failover', to: 'us-west-2', noRoute53Changes: true } });
        expect(scenario.faults[1]).toMatchObject({ afterStep: boundary });
      }
    }
  });
});

describe('fcp drill with bad input', () => {
  it.each([
    { args: ['--scenario', 'no-such-drill'], message: /unknown drill scenario "no-such-drill"/ },
    { args: ['--matrix', '--ways', 'crash,meteor'], message: /unknown ways "meteor"/ },
    { args: ['--matrix', '--boundaries', 'record-topology'], message: /unknown boundaries "record-topology"/ },
  ])('exits 2 and starts nothing: $args', async ({ args, message }) => {
    const result = await fcp('drill', '--config', 'examples/sandbox.yaml', ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 with every problem of an invalid scenario file', async () => {
    const file = scenarioFile('name: x\ndescription: y\nfaults: []\nexpect: { outcome: switchover }\n');
    const result = await fcp('drill', '--config', 'examples/sandbox.yaml', '--scenario', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('faults: give at least one fault, a request or a rollout');
    expect(result.stderr).toContain('expect.outcome: a switchover is expected only with `request: {kind: switchover}`');
  });

  it('exits 2 naming the field of a bad rollout rehearsal, and runs nothing', async () => {
    const file = scenarioFile('name: x\ndescription: y\nrollout: { stacks: [sandbox-shared, sandbox-atlantis], bake: 5s, commit: abc1234 }\nexpect: { outcome: none, rollout: {} }\n');
    const result = await fcp('drill', '--config', 'examples/sandbox.yaml', '--scenario', file, '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/rollout\.stacks: unknown stack "sandbox-atlantis"/);
  });
});

describe("the drill's stack files (examples/drills/stacks)", () => {
  it('are the split layout over the sandbox regions that the rollout tests generate', () => {
    const shipped = new URL('../../../../examples/drills/stacks/', import.meta.url).pathname;
    const generated = writeSplitStacks('sandbox', (shared) => {
      shared.name = 'auth-sandbox';
    });
    const configOf = (dir: string, file: string) => (YAML.parse(readFileSync(join(dir, file), 'utf8')) as { config: unknown }).config;
    const files = readdirSync(generated).sort();
    expect(readdirSync(shipped).sort()).toEqual(files);
    for (const file of files) expect(configOf(shipped, file), file).toEqual(configOf(generated, file));
  });
});
