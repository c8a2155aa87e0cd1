import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../../controller/config/load.js';
import type { Config } from '../../../../controller/config/schema.js';
import { InputError } from '../../../../kernel/errors.js';
import { renderedControllerRole, type ControllerRole } from '../../../../sandbox/iam/controller-role.js';
import { sandboxIamGate } from '../../../../sandbox/iam/principals.js';

const scratch = mkdtempSync(join(tmpdir(), 'fcp-role-'));
const config = loadConfig('examples/sandbox.yaml');
let role: ControllerRole;

beforeAll(async () => {
  role = await renderedControllerRole(config, join(scratch, 'cache'));
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const statements = (region: string) => (role.regions[region]?.policy as { Statement: { Sid: string; Resource: string[]; Action: string[] }[] }).Statement;
const resources = (region: string, sid: string) => statements(region).find((s) => s.Sid === sid)?.Resource;

describe('the default sandbox policy: the controller task role infra/ renders, with the sandbox world identifiers', () => {
  it('names the sandbox routing controls, zones, clusters, table and role, and nothing mocked', () => {
    const text = JSON.stringify(role.regions);
    expect(text).not.toContain('123456789012');
    expect(resources('us-west-2', 'FlipRoutingControls')).toEqual(Object.values(config.traffic.mechanism === 'arc' ? config.traffic.routingControls : {}));
    expect(resources('us-west-2', 'FlipOwnedRecords')).toEqual(['arn:aws:route53:::hostedzone/ZSANDBOXPRIVATE']);
    expect(resources('us-west-2', 'PromoteGlobalDatabase')).toEqual(['arn:aws:rds::000000000000:global-cluster:auth-global', ...Object.values(config.database.clusters).map((c) => c.arn)]);
    expect(resources('us-west-2', 'ReadOriginHealth')).toEqual(Object.values(config.signals.route53HealthChecks ?? {}).map((id) => `arn:aws:route53:::healthcheck/${id}`));
    expect(resources('us-west-2', 'StateTable')).toEqual(['arn:aws:dynamodb:us-west-2:000000000000:table/fcp-state']);
    expect(role.regions['eu-west-1']?.roleArn).toBe('arn:aws:iam::000000000000:role/auth-sandbox-eu-west-1-controller');
    expect(resources('eu-west-1', 'ProveOwnPermissions')).toEqual([role.regions['eu-west-1']?.roleArn]);
  });

  it('adds what the route53 mechanism needs on the public zone, which infra does not deploy', async () => {
    const raw = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    raw.traffic = {
      mechanism: 'route53', publicName: 'login.auth.sandbox', hostedZoneId: 'ZSANDBOXPUBLIC', recordType: 'A', ttl: 5,
      records: Object.fromEntries(config.regions.map((r, i) => [r.name, { setIdentifier: r.name, value: `127.0.1.${i + 1}` }])),
    };
    const weighted = await renderedControllerRole(parseConfig(raw) as Config, join(scratch, 'cache'));
    const policy = weighted.regions['us-east-1']?.policy as { Statement: { Sid: string; Resource: string[]; Condition?: unknown }[] };
    expect(policy.Statement.find((s) => s.Sid === 'FlipWeightedRecords')).toMatchObject({
      Resource: ['arn:aws:route53:::hostedzone/ZSANDBOXPUBLIC'],
      Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['login.auth.sandbox'], 'route53:ChangeResourceRecordSetsRecordTypes': ['A'] } },
    });
  });

  it.each([
    { name: 'a policy that is not JSON', text: '{ "Version": ', problem: /^sandbox\.iamPolicy: .*policy\.json: not JSON/ },
    { name: 'a policy the evaluator cannot apply', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds:*', Resource: '*', Condition: { BoolIfExist: { 'a:b': 'x' } } }] }), problem: /^Statement\[0\]\.Condition\.BoolIfExist: not a condition operator$/ },
  ])('refuses $name in sandbox.iamPolicy, naming the field', async ({ text, problem }) => {
    const file = join(scratch, 'policy.json');
    writeFileSync(file, text);
    const error = await sandboxIamGate({ ...config, sandbox: { ...config.sandbox!, iamPolicy: file } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(`${(error as InputError).message}\n${(error as InputError).problems.join('\n')}`).toMatch(/sandbox\.iamPolicy/);
    expect((error as InputError).problems).toEqual([expect.stringMatching(problem)]);
  });
});
