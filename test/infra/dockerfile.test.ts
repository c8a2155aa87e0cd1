import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures.js';

/** The Dockerfile's instructions, continuation lines joined. Docker is not available here, so it is checked as text. */
const instructions = readFileSync(`${ROOT}Dockerfile`, 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
const all = (keyword: string) => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds on Node 22 slim', () => {
    expect(all('FROM')).toEqual(['node:22-slim']);
  });

  it('installs production dependencies only, from the lockfile', () => {
    expect(all('RUN').join('\n')).toContain('npm ci --omit=dev');
    expect(all('RUN').join('\n')).not.toMatch(/npm install\b/);
  });

  it('runs as a non-root user from before the command on', () => {
    const users = instructions.map((i, index) => ({ ...i, index })).filter((i) => i.keyword === 'USER');
    expect(users.map((u) => u.args)).toEqual(['node']);
    const cmd = instructions.findIndex((i) => i.keyword === 'CMD');
    expect(users[0]!.index).toBeLessThan(cmd);
  });

  it('checks health on the controller API', () => {
    expect(all('HEALTHCHECK').join('\n')).toContain('http://127.0.0.1:8080/healthz');
  });

  it('runs `fcp controller` with the config file the ECS task writes, in the task region', () => {
    const [cmd] = all('CMD');
    const argv = JSON.parse(cmd ?? '[]') as string[];
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv[2]).toBe('exec fcp controller --config /etc/fcp/config.yaml --region "$AWS_REGION"');
  });

  it('keeps secrets, infra and tests out of the build context', () => {
    const ignored = readFileSync(`${ROOT}.dockerignore`, 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', '.data', 'infra', 'test', 'Pulumi*.yaml']));
  });
});
