import { describe, expect, it } from 'vitest';
import { parseError } from './parse-cli.js';
import { EXECUTED_RUNBOOKS, readRunbook, runbookFiles, shellWords } from './runbook.js';

const commands = runbookFiles().flatMap((file) => readRunbook(file).flatMap((block) => block.commands.map((command) => ({ where: `runbooks/${file}:${command.line}`, ...command }))));

describe('every fcp command in every runbook', () => {
  it('there are runbooks with commands', () => {
    expect(runbookFiles()).toEqual(expect.arrayContaining(['regional-failover.md', 'planned-switchover.md', 'failback.md', 'global-outage.md', 'pause-automation.md', 'break-glass.md', 'stuck-plan.md', 'drill.md']));
    expect(commands.length).toBeGreaterThan(40);
  });

  it.each(commands)('$where: $text', async ({ where, args }) => {
    expect(await parseError(args), `${where} does not parse`).toBeUndefined();
  });
});

describe('runbook blocks', () => {
  it.each(runbookFiles())('%s: every ```sh block holds only fcp commands (one per line) and comments', (file) => {
    for (const block of readRunbook(file)) {
      expect(block.strays, `runbooks/${file}:${block.line}`).toEqual([]);
      expect(block.commands.length, `runbooks/${file}:${block.line}: empty block`).toBeGreaterThan(0);
    }
  });

  it.each(EXECUTED_RUNBOOKS)('%s: every block says whether the test runs it (test: run / test: skip "why")', (file) => {
    for (const block of readRunbook(file)) expect(block.test.mode, `runbooks/${file}:${block.line}`).not.toBe('none');
  });

  it.each(runbookFiles().filter((f) => !EXECUTED_RUNBOOKS.includes(f)))('%s: claims no execution it does not get', (file) => {
    for (const block of readRunbook(file)) expect(block.test.mode, `runbooks/${file}:${block.line}: only ${EXECUTED_RUNBOOKS.join(', ')} are executed`).toBe('none');
  });
});

describe('the checker itself', () => {
  const cases: { line: string; valid: boolean }[] = [
    { line: 'fcp status --region us-west-2', valid: true },
    { line: 'fcp failover --to us-west-2 --reason "INC-1: x" --dry-run', valid: true },
    { line: 'fcp sandbox fault region-down --region us-east-1 --for 30s', valid: true },
    { line: 'fcp sandbox faults clear', valid: true },
    { line: 'fcp failover --help', valid: true },
    { line: 'fcp failover --to us-west-2 --reasn typo', valid: false },
    { line: 'fcp failovr --to us-west-2', valid: false },
    { line: 'fcp failback --dry-run --reason x', valid: false },
    { line: 'fcp plan', valid: false },
    { line: 'fcp sandbox fault region-gone', valid: false },
    { line: 'fcp sandbox frobnicate', valid: false },
  ];
  it.each(cases)('$line -> valid: $valid', async ({ line, valid }) => {
    const error = await parseError(shellWords(line).slice(1));
    if (valid) expect(error).toBeUndefined();
    else expect(error).toMatch(/error/);
  });

  it('splits words like a shell: quotes, escapes, comments', () => {
    expect(shellWords(`fcp pause --reason "CHG-1: \\"db\\" work" --region 'us west' # why`)).toEqual(['fcp', 'pause', '--reason', 'CHG-1: "db" work', '--region', 'us west']);
  });
});
