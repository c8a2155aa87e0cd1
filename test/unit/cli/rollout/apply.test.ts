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

  it('stops the apply at Ctrl-C, and a second Ctrl-C kills it at once even if it ignores the first (never left running unwatched)', async () => {
    const out: string[] = [];
    const listeners = process.listenerCount('SIGINT');
    // The command (and the sleep it starts) ignores SIGTERM, as a hung apply might.
    const running = applyStack("trap '' TERM; echo started; sleep 60 # {stack}", step as never, { dir: '.', commit: 'abc1234', timeoutMs: 120_000, out: (text) => out.push(text) });
    await expect.poll(() => out.join(''), { timeout: 10_000 }).toContain('started');
    process.emit('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(out.join('')).toContain('Ctrl-C again to kill it');
    process.emit('SIGINT');
    const code = await running;
    expect(code).not.toBe(0);
    expect(out.join('')).toContain('killing the apply command for sbx-eu-west-1');
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });
});
