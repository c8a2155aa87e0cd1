import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fcp, startHarness, type Harness } from '../e2e/controller/deployment.js';
import { EXECUTED_RUNBOOKS, readRunbook, type RunbookBlock } from './runbook.js';

/**
 * Executes the runbooks that say so, block by block and in order, against a local deployment on
 * free ports (the sandbox and three replicas), the way an operator would: each command with the
 * deployment's config. A block passes when every command exits as its test comment says and every
 * expected text shows in the output; `until` blocks are re-run, like re-running `fcp status`,
 * until the text shows or the deadline passes.
 */

const UNTIL_DEADLINE_MS = 90_000;
const UNTIL_EVERY_MS = 1000;

interface BlockRun {
  output: string;
  exits: { command: string; code: number }[];
}

async function runBlock(h: Harness, block: RunbookBlock): Promise<BlockRun> {
  const run: BlockRun = { output: '', exits: [] };
  for (const command of block.commands) {
    const result = await fcp(h, command.args);
    run.output += `$ ${command.text}\n${result.stdout}${result.stderr}\n`;
    run.exits.push({ command: `runbooks/${block.file}:${command.line} ${command.text}`, code: result.code });
  }
  return run;
}

async function executeBlock(h: Harness, block: RunbookBlock): Promise<void> {
  if (block.test.mode !== 'run') throw new Error('only `test: run` blocks are executed');
  const { until, expect: expected, exit } = block.test;
  const deadline = Date.now() + UNTIL_DEADLINE_MS;
  let run = await runBlock(h, block);
  while (until !== undefined && !run.output.includes(until)) {
    if (Date.now() > deadline) throw new Error(`runbooks/${block.file}:${block.line}: "${until}" did not show within ${UNTIL_DEADLINE_MS / 1000}s; last output:\n${run.output}`);
    await new Promise((resolve) => setTimeout(resolve, UNTIL_EVERY_MS));
    run = await runBlock(h, block);
  }
  for (const { command, code } of run.exits) expect(code, `${command} exit code; output:\n${run.output}`).toBe(exit);
  for (const text of expected) expect(run.output, `runbooks/${block.file}:${block.line} should show "${text}"`).toContain(text);
}

describe.each(EXECUTED_RUNBOOKS)('runbooks/%s against a local deployment', (file) => {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  // Blocks marked `test: skip "why"` are not run here; commands-parse.test.ts requires that every
  // block of these runbooks is marked one way or the other, with its reason.
  for (const block of readRunbook(file).filter((b) => b.test.mode === 'run')) {
    it(`line ${block.line}: ${block.commands.map((c) => c.text).join(' ; ')}`, () => executeBlock(harness!, block));
  }
});
