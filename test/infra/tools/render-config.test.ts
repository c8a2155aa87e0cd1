import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../infra/tools/render-config.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'fcp-render-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function render(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const write = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('infra:config bad input (exit 2, nothing printed)', () => {
  it.each([
    { name: 'no outputs file argument', argv: () => [], err: /missing required argument 'outputs\.json'/ },
    { name: 'a missing outputs file', argv: () => [join(scratch, 'nope.json')], err: /cannot read stack outputs .*nope\.json: no such file/ },
    { name: 'outputs that are not JSON', argv: () => [write('outputs.txt', 'Current stack outputs (3):')], err: /are not JSON; produce them with `pulumi stack output --json`/ },
    {
      name: 'outputs missing fields',
      argv: () => [write('partial.json', JSON.stringify({ deployment: 'auth', primaryRegion: 'us-east-1', regions: ['us-east-1', 'us-west-2'] }))],
      err: /stack outputs .* is invalid[\s\S]*- services: is required[\s\S]*- traffic: is required/,
    },
  ])('$name', ({ argv, err }) => {
    const result = render(...argv());
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(err);
  });
});
