import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcp, resetCliAfterEach } from './in-process.js';

resetCliAfterEach();

const example = new URL('../../../examples/sandbox.yaml', import.meta.url).pathname;

describe('fcp config', () => {
  it('validates a good file', async () => {
    const result = await fcp('config', 'validate', example);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/valid \(3 regions, 1 services, traffic via arc\)/);
  });

  it('lists every problem with its path and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcp-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\nregions:\n  - {name: us-east-1, role: primary}\n  - {name: us-west-9, role: standby}\nservices: []\n');
    const result = await fcp('config', 'validate', file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('  - regions[1].name: "us-west-9" is not an AWS region; use a name such as "us-east-1"');
    expect(result.stderr).toContain('  - services: list at least one service to probe');
  });

  it('reports invalid YAML and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcp-cli-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: [unclosed\n');
    const result = await fcp('config', 'validate', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not valid YAML/);
  });

  it('prints the JSON Schema', async () => {
    const result = await fcp('config', 'schema');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).type).toBe('object');
  });
});

describe('usage errors', () => {
  it.each([
    { args: ['nope'], message: /unknown command 'nope'/ },
    { args: ['config', 'validate'], message: /missing required argument 'file'/ },
    { args: ['config', 'validate', example, '--bogus'], message: /unknown option '--bogus'/ },
  ])('$args exits 2 with a usage message', async ({ args, message }) => {
    const result = await fcp(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
