import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../../controller/config/load.js';
import { InputError } from '../../../../kernel/errors.js';
import { ephemeral, sandboxHost, sandboxLayout } from '../../../../sandbox/setup/layout.js';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';

/** The example config as edited YAML; tests poke at arbitrary paths. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;

const exampleInput = () => YAML.parse(readFileSync('examples/sandbox.yaml', 'utf8')) as Yaml;

describe('sandboxLayout', () => {
  it('reads every listen address from the example config', () => {
    const layout = sandboxLayout(loadConfig('examples/sandbox.yaml'));
    expect(layout.route53).toEqual({ part: 'route53', host: '127.0.0.1', port: 4610 });
    expect(layout.rds).toEqual({ part: 'rds', host: '127.0.0.1', port: 4611 });
    expect(layout.cloudwatch).toEqual({ part: 'cloudwatch', host: '127.0.0.1', port: 4623 });
    expect(layout.arc.map((a) => a.port)).toEqual([4612, 4613, 4614, 4615, 4616]);
    expect(layout.dynamodb.port).toBe(4617);
    expect(layout.iam).toEqual({ part: 'iam', host: '127.0.0.1', port: 4624 });
    expect(layout.dns).toEqual({ part: 'dns', host: '127.0.0.1', port: 4618 });
    expect(layout.faults.port).toBe(4619);
    expect(layout.apps['us-west-2']).toEqual({ part: 'us-west-2 app', host: '127.0.1.2', port: 4620, healthPaths: ['/health'] });
    const free = ephemeral(layout);
    expect([free.route53, free.rds, ...free.arc, free.dns, ...Object.values(free.apps)].every((a) => a.port === 0)).toBe(true);
    expect(free.apps['eu-west-1']?.host).toBe('127.0.1.3');
  });

  it('binds DNS and the fault API on the loopback address the config gives the sandbox, so two sandboxes do not collide', () => {
    const input = exampleInput();
    const moved = (url: string) => url.replace('127.0.0.1', '127.0.0.7');
    input.aws.endpoints.route53 = moved(input.aws.endpoints.route53);
    const layout = sandboxLayout(parseConfig(input));
    expect(layout.dns).toEqual({ part: 'dns', host: '127.0.0.7', port: 4618 });
    expect(layout.faults).toEqual({ part: 'faults', host: '127.0.0.7', port: 4619 });
    expect(sandboxHost(parseConfig(input))).toBe('127.0.0.7');
  });

  it.each([
    {
      name: 'STS apart from IAM',
      edit: (c: Yaml) => {
        c.aws.endpoints.sts = 'http://127.0.0.1:4625';
      },
      problems: [/^aws\.endpoints\.sts: one server serves IAM and STS; give it the same URL as aws\.endpoints\.iam \(http:\/\/127\.0\.0\.1:4624\)$/],
    },
    {
      name: 'missing endpoints',
      edit: (c: Yaml) => {
        delete c.aws.endpoints.route53;
        delete c.aws.endpoints.dynamodb;
      },
      problems: [/^aws\.endpoints\.route53: the sandbox serves route53 here/, /^aws\.endpoints\.dynamodb: the sandbox serves dynamodb here/],
    },
    {
      name: 'RDS URLs that differ per region',
      edit: (c: Yaml) => (c.aws.endpoints.rds['us-west-2'] = 'http://127.0.0.1:4699'),
      problems: [/^aws\.endpoints\.rds: one rds server serves every region/],
    },
    {
      name: 'a non-loopback ARC endpoint',
      edit: (c: Yaml) => (c.traffic.clusterEndpoints[3].url = 'https://arc.example.com'),
      problems: [/^traffic\.clusterEndpoints\[3\]\.url: the sandbox serves plain HTTP/, /^traffic\.clusterEndpoints\[3\]\.url: the sandbox listens on loopback only/],
    },
    {
      name: 'apps on different ports',
      edit: (c: Yaml) => (c.services[0].endpoints['eu-west-1'] = 'http://127.0.1.3:4621/health'),
      problems: [/^services\[\*\]\.endpoints: every region's app must use the same port/],
    },
    {
      name: 'apps sharing an address',
      edit: (c: Yaml) => (c.services[0].endpoints['eu-west-1'] = 'http://127.0.1.1:4620/health'),
      problems: [/^services\[\*\]\.endpoints: give each region its own loopback address/],
    },
    {
      name: 'two parts on one port',
      edit: (c: Yaml) => (c.sandbox.faultsPort = 4610),
      problems: [/^faults: 127\.0\.0\.1:4610 is also where route53 listens/],
    },
  ])('lists every problem for $name', ({ edit, problems }) => {
    const input = exampleInput();
    edit(input);
    let error: unknown;
    try {
      sandboxLayout(parseConfig(input));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    for (const problem of problems) expect((error as InputError).problems.some((p) => problem.test(p)), String(problem)).toBe(true);
  });
});
