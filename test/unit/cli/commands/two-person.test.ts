import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { fcp, resetCliAfterEach } from '../in-process.js';

resetCliAfterEach();

/** The embedded default with the two-person rule on, and a store nobody listens to: the refusal must come before any write. */
function twoPersonConfig(): string {
  const config = YAML.parse(readFileSync(new URL('../../../../examples/sandbox.yaml', import.meta.url), 'utf8'));
  config.failover.approval = { required: true, window: '10m' };
  config.aws.endpoints.dynamodb = 'http://127.0.0.1:9';
  const file = join(mkdtempSync(join(tmpdir(), 'fcp-two-person-')), 'config.yaml');
  writeFileSync(file, YAML.stringify(config));
  return file;
}

describe('the two-person rule in the CLI, without --api', () => {
  it.each([
    { args: ['failover', '--to', 'us-west-2', '--reason', 'INC-1'], names: /a failover needs a second person/ },
    { args: ['switchover', '--to', 'us-west-2', '--reason', 'INC-1'], names: /a switchover needs a second person/ },
    { args: ['failback', '--reason', 'INC-1'], names: /a failback needs a second person/ },
  ])('fcp $args.0 is refused straight into the store, naming the way through the API', async ({ args, names }) => {
    const result = await fcp(...args, '--config', twoPersonConfig());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(names);
    expect(result.stderr).toContain('--api:');
    expect(result.stderr).toContain('--break-glass:');
  });

  it('does not hold a pause, which moves nothing (here it fails only because no store listens)', async () => {
    const result = await fcp('pause', '--reason', 'INC-1', '--config', twoPersonConfig());
    expect(result.stderr).not.toMatch(/second person/);
  });

  it('has no --actor: the audit trail never takes a typed name', async () => {
    const result = await fcp('pause', '--reason', 'x', '--actor', 'mallory', '--config', twoPersonConfig());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--actor'/);
  });
});

describe('store-direct reasons', () => {
  it.each([
    ['an escape sequence', 'ok\u001b[2K\rforged line'],
    ['a right-to-left override', 'INC-1 \u202eevil'],
    ['nothing visible', '\u200b\u200b'],
  ])('refuses %s in --reason before anything is written (exit 2, naming the option)', async (_name, reason) => {
    const result = await fcp('pause', '--reason', reason, '--config', twoPersonConfig());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--reason: (contains the control character U\+|has nothing visible)/);
  });
});
