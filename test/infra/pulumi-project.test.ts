import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures.js';

const project = YAML.parse(readFileSync(`${ROOT}Pulumi.yaml`, 'utf8')) as {
  name: string;
  main: string;
  runtime: { name: string; options: { typescript: boolean; nodeargs: string } };
};

describe('Pulumi.yaml', () => {
  it('runs infra/ on Node.js, loading the ESM TypeScript through tsx instead of ts-node', () => {
    expect(project.main).toBe('infra/');
    expect(project.runtime).toMatchObject({ name: 'nodejs', options: { typescript: false, nodeargs: '--import tsx' } });
  });

  it('points at an entry module that Node loads with those arguments and whose only export is the program', async () => {
    // What Pulumi's Node.js host does for a "type": "module" package: import the file URL of <main>/index.ts.
    const probe = [
      "const { pathToFileURL } = await import('node:url');",
      "const m = await import(pathToFileURL('infra/index.ts').href);",
      'console.log(JSON.stringify({ keys: Object.keys(m), type: typeof m.default }));',
    ].join(' ');
    const { stdout } = await promisify(execFile)(process.execPath, [...project.runtime.options.nodeargs.split(' '), '--input-type=module', '-e', probe], { cwd: ROOT, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ keys: ['default'], type: 'function' });
  });

  it('has a policy pack loaded the same way', () => {
    const pack = YAML.parse(readFileSync(`${ROOT}infra/policy/pack/PulumiPolicy.yaml`, 'utf8')) as { runtime: unknown };
    expect(pack.runtime).toEqual({ name: 'nodejs', options: { typescript: false, nodeargs: '--import tsx' } });
    const manifest = JSON.parse(readFileSync(`${ROOT}infra/policy/pack/package.json`, 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ type: 'module', main: 'index.ts' });
  });
});
