import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxEndpoints } from '../../../sandbox/up.js';

const dir = mkdtempSync(join(tmpdir(), 'fcp-sandbox-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example config with every port 0, so `sandbox up` binds free ports. */
function freePortConfig(edit: (config: Record<string, unknown> & { aws: { endpoints: Record<string, unknown> } }) => void = () => undefined): string {
  const text = readFileSync('examples/sandbox.yaml', 'utf8').replace(/(http:\/\/127\.0\.[01]\.\d+):\d+/g, '$1:0').replace(/(dnsPort|faultsPort): \d+/g, '$1: 0');
  const config = YAML.parse(text) as Parameters<typeof edit>[0];
  edit(config);
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, YAML.stringify(config));
  return path;
}

function fcp(args: string[]) {
  const child = spawn(process.execPath, ['bin/fcp.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  void exit.then(() => clearTimeout(killTimer));
  return { child, exit, stderr: () => stderr };
}

async function firstLine(child: ReturnType<typeof fcp>['child']): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new Error('no output');
}

describe('fcp sandbox up', () => {
  it('prints one JSON line of endpoints first, serves them, and exits 0 on SIGTERM', async () => {
    const up = fcp(['sandbox', 'up', '--json', '--config', freePortConfig(), '--data-dir', join(dir, 'data')]);
    const endpoints = JSON.parse(await firstLine(up.child)) as SandboxEndpoints;
    expect(Object.keys(endpoints).sort()).toEqual(['arc', 'cloudwatch', 'dns', 'dynamodb', 'faults', 'iam', 'rds', 'regions', 'resources', 'route53'].sort());
    expect(endpoints.route53).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.arc).toHaveLength(5);
    expect(endpoints.dns).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(Object.keys(endpoints.regions)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(endpoints.regions['us-west-2']?.app).toMatch(/^http:\/\/127\.0\.1\.2:\d+$/);
    expect(endpoints.resources).toMatchObject({
      publicZoneId: 'ZSANDBOXPUBLIC',
      privateZoneId: 'ZSANDBOXPRIVATE',
      publicName: 'login.auth.sandbox',
      globalClusterId: 'auth-global',
      clusters: { 'us-east-1': 'arn:aws:rds:us-east-1:000000000000:cluster:auth-us-east-1' },
      routingControls: { 'eu-west-1': 'arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox/routingcontrol/eu-west-1' },
    });
    const health = await fetch(`${endpoints.regions['us-east-1']?.app}/health`, { signal: AbortSignal.timeout(3000) });
    expect(health.status).toBe(200);

    // The fault CLI against it: a bad request is refused with the field named, exit 2.
    const bad = fcp(['sandbox', 'fault', 'region-down', '--region', 'mars-1', '--faults', endpoints.faults]);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toMatch(/region: "mars-1" is not a sandbox region/);
    const good = fcp(['sandbox', 'fault', 'app-429', '--for', '30s', '--faults', endpoints.faults]);
    expect(await good.exit).toBe(0);
    expect((await fetch(`${endpoints.regions['us-east-1']?.app}/health`, { signal: AbortSignal.timeout(3000) })).status).toBe(429);
    const listed = fcp(['sandbox', 'faults', '--json', '--faults', endpoints.faults]);
    const [fault] = JSON.parse(await firstLine(listed.child)) as { id: string; kind: string; remainingMs: number }[];
    expect(fault?.kind).toBe('app-429');
    expect(fault?.remainingMs).toBeGreaterThan(0);
    expect(await fcp(['sandbox', 'faults', 'clear', fault?.id ?? '', '--faults', endpoints.faults]).exit).toBe(0);
    const again = fcp(['sandbox', 'faults', 'clear', fault?.id ?? '', '--faults', endpoints.faults]);
    expect(await again.exit).toBe(2);
    expect(again.stderr()).toMatch(/no active fault with id/);
    expect(await fcp(['sandbox', 'faults', 'clear', '--faults', endpoints.faults]).exit).toBe(0);

    // Client traffic through the sandbox DNS, with a config that says where DNS and the apps listen.
    const appPort = new URL(endpoints.regions['us-east-1']?.app ?? '').port;
    const trafficConfig = freePortConfig((c) => {
      (c.sandbox as Record<string, unknown>).dnsPort = Number(endpoints.dns.split(':')[1]);
      for (const service of c.services as { endpoints: Record<string, string> }[]) {
        for (const region of Object.keys(service.endpoints)) service.endpoints[region] = (service.endpoints[region] ?? '').replace(/:0\//, `:${appPort}/`);
      }
    });
    // A generous per-request timeout: this checks the command, not latency, on a machine that may be busy.
    const traffic = fcp(['sandbox', 'traffic', '--rate', '10', '--for', '1s', '--timeout', '5s', '--json', '--config', trafficConfig]);
    const report = JSON.parse(await firstLine(traffic.child)) as { timeline: { second: number; ok: number; failed: number }[]; summary: { ok: number; failed: number; regions: Record<string, number> } };
    expect(await traffic.exit).toBe(0);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.regions['us-east-1']).toBe(report.summary.ok);
    expect(report.timeline[0]?.second).toBe(0);

    up.child.kill('SIGTERM');
    expect(await up.exit).toBe(0);
  }, 120_000); // seven CLI processes, each loading TypeScript through tsx

  it('lists every config problem with its path, exits 2 and starts nothing', async () => {
    const config = freePortConfig((c) => {
      delete c.aws.endpoints.route53;
      (c.aws.endpoints as Record<string, unknown>).dynamodb = 'https://db.example.com';
    });
    const up = fcp(['sandbox', 'up', '--json', '--config', config, '--data-dir', join(dir, 'data-bad')]);
    expect(await up.exit).toBe(2);
    expect(up.stderr()).toMatch(/aws\.endpoints\.route53: the sandbox serves route53 here/);
    expect(up.stderr()).toMatch(/aws\.endpoints\.dynamodb: the sandbox serves plain HTTP/);
    expect(up.stderr()).toMatch(/aws\.endpoints\.dynamodb: the sandbox listens on loopback only/);
  });

  it('names the port in use and the part that wanted it, exits 2 and leaves nothing running', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const config = freePortConfig((c) => (c.aws.endpoints.rds = { 'us-east-1': `http://127.0.0.1:${port}`, 'us-west-2': `http://127.0.0.1:${port}`, 'eu-west-1': `http://127.0.0.1:${port}` }));
      const up = fcp(['sandbox', 'up', '--json', '--config', config, '--data-dir', join(dir, 'data-busy')]);
      expect(await up.exit).toBe(2);
      expect(up.stderr()).toContain(`port ${port} on 127.0.0.1 is in use; the sandbox's rds wanted it`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
