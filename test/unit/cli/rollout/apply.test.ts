import { describe, expect, it } from 'vitest';
import { applyStack } from '../../../../cli/rollout/apply.js';

const step = { stack: 'sbx-eu-west-1', role: 'standby' as const, regions: ['eu-west-1'] };

describe('applyStack', () => {
  it('passes on the command and its exit code', async () => {
    const out: string[] = [];
    const code = await applyStack('echo applying {stack}; exit 3', step as never, { dir: '.', commit: 'abc1234', timeoutMs: 10_000, out: (text) => out.push(text) });
    expect(code).toBe(3);
    expect(out.join('')).toContain('applying sbx-eu-west-1');
  });

  it('stops a command that runs past its timeout, which counts as failed', async () => {
    const out: string[] = [];
    const started = Date.now();
    const code = await applyStack('sleep 30 # {stack}', step as never, { dir: '.', commit: 'abc1234', timeoutMs: 300, out: (text) => out.push(text) });
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(out.join('')).toContain('ran past its timeout');
  });
});
