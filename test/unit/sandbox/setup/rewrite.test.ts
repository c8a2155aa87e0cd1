import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../../controller/config/load.js';
import { sandboxLayout, type SandboxLayout } from '../../../../sandbox/setup/layout.js';
import { rewriteConfig } from '../../../../sandbox/setup/rewrite.js';

describe('rewriteConfig', () => {
  const config = loadConfig('examples/sandbox.yaml');
  const layout = sandboxLayout(config);
  const bound: SandboxLayout = {
    ...layout,
    route53: { ...layout.route53, port: 50001 },
    rds: { ...layout.rds, port: 50002 },
    ...(layout.cloudwatch ? { cloudwatch: { ...layout.cloudwatch, port: 50003 } } : {}),
    arc: layout.arc.map((a, i) => ({ ...a, port: 50010 + i })),
    dynamodb: { ...layout.dynamodb, port: 50004 },
    iam: { ...layout.iam, port: 50008 },
    dns: { ...layout.dns, port: 50005 },
    faults: { ...layout.faults, port: 50006 },
    apps: Object.fromEntries(Object.entries(layout.apps).map(([r, a]) => [r, { ...a, port: 50007 }])),
  };
  const rewritten = rewriteConfig(config, bound);

  it('points every URL the controller uses at the bound ports', () => {
    expect(rewritten.aws.endpoints).toEqual({
      route53: 'http://127.0.0.1:50001',
      rds: { 'us-east-1': 'http://127.0.0.1:50002', 'us-west-2': 'http://127.0.0.1:50002', 'eu-west-1': 'http://127.0.0.1:50002' },
      cloudwatch: { 'us-east-1': 'http://127.0.0.1:50003', 'us-west-2': 'http://127.0.0.1:50003', 'eu-west-1': 'http://127.0.0.1:50003' },
      dynamodb: 'http://127.0.0.1:50004',
      iam: 'http://127.0.0.1:50008',
      sts: 'http://127.0.0.1:50008',
    });
    expect(rewritten.traffic.mechanism === 'arc' && rewritten.traffic.clusterEndpoints.map((e) => e.url)).toEqual([50010, 50011, 50012, 50013, 50014].map((p) => `http://127.0.0.1:${p}`));
    expect(rewritten.services[0]?.endpoints).toEqual({
      'us-east-1': 'http://127.0.1.1:50007/health',
      'us-west-2': 'http://127.0.1.2:50007/health',
      'eu-west-1': 'http://127.0.1.3:50007/health',
    });
    expect(rewritten.sandbox).toMatchObject({ dnsPort: 50005, faultsPort: 50006 });
  });

  it('leaves the original alone and stays a valid config', () => {
    expect(config.aws.endpoints.route53).toBe('http://127.0.0.1:4610');
    expect(() => parseConfig(JSON.parse(JSON.stringify(rewritten)))).not.toThrow();
    expect(sandboxLayout(rewritten).route53.port).toBe(50001);
  });
});
