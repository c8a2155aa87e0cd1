import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../fixtures.js';

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill();
});

describe('policy pack', () => {
  it('loads the way Pulumi runs a Node.js policy pack (require of its directory, tsx loader) and starts serving', async () => {
    const dir = `${ROOT}infra/policy/pack`;
    // Pulumi's policy-pack host requires the pack directory with the pack as working directory and
    // expects the analyzer's port as the first line on stdout.
    child = spawn(process.execPath, ['--import', 'tsx', '-e', 'require(process.cwd())'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`no port within 25 s; stderr: ${err}`)), 25_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0] ?? '');
        }
      });
      child?.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child?.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the pack exited with ${String(code)}: ${err}`));
      });
    });
    expect(firstLine).toMatch(/^\d+$/);
  }, 30_000);
});
