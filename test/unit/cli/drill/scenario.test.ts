import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../controller/config/load.js';
import { BOUNDARIES, matrixScenario, WAYS, type Way } from '../../../../cli/drill/matrix.js';
import { loadDrillScenario, shippedScenarios } from '../../../../cli/drill/scenario.js';
import { InputError } from '../../../../kernel/errors.js';
import { fcp, resetCliAfterEach } from '../in-process.js';

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
      'bad-deploy',
      'brownout',
      'dependency-hang',
      'partition',
      'rate-limit-storm',
      'region-cut-from-database',
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
    expect(result.stderr).toContain('faults: give at least one fault or a request');
    expect(result.stderr).toContain('expect.outcome: a switchover is expected only with `request: {kind: switchover}`');
  });
});
