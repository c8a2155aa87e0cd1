import { resolve } from 'node:path';
import type { Command as Cli } from 'commander';
import { parseDuration } from '../../kernel/duration.js';
import { formatDuration } from '../../kernel/time.js';
import { InputError } from '../../kernel/errors.js';
import { newCommandId } from '../../controller/store/command-id.js';
import { output } from '../context.js';
import { liveController } from '../live-controller.js';
import { APPLY_TIMEOUT_MAX, applyStack, checkApplyTemplate } from '../rollout/apply.js';
import { readStacks, type RolloutStep } from '../rollout/plan.js';
import { prepareRollout } from '../rollout/preflight.js';
import { BAKE_RANGE, bakePollMs, runRollout, type RolloutReport } from '../rollout/rollout.js';

interface RolloutOptions {
  stacks: string;
  bake: string;
  apply?: string;
  applyTimeout: string;
  commit?: string;
  pr?: string;
  dir: string;
  api?: string;
  json?: boolean;
  rollback?: boolean;
}

function parseOptions(options: RolloutOptions) {
  const bakeMs = parseDuration(options.bake);
  if (bakeMs === undefined) throw new InputError(`bad bake time "${options.bake}"`, ['--bake: a duration such as "10m", "30s" or "1h"']);
  if (bakeMs < BAKE_RANGE.min || bakeMs > BAKE_RANGE.max) {
    throw new InputError(`bake time ${options.bake} is out of range`, [`--bake: from ${formatDuration(BAKE_RANGE.min)} to ${formatDuration(BAKE_RANGE.max)}; long enough for the controller to confirm a failure (its detection window and confirmation)`]);
  }
  const commit = options.commit ?? '';
  if (!/^[0-9a-f]{7,40}$/.test(commit)) {
    throw new InputError(options.commit === undefined ? 'a commit is required' : `bad commit "${options.commit}"`, ['--commit: the git sha being rolled out (7 to 40 lower-case hex digits), e.g. --commit "$GITHUB_SHA"']);
  }
  if (options.pr !== undefined && !/^[1-9][0-9]{0,9}$/.test(options.pr)) throw new InputError(`bad pull request number "${options.pr}"`, ['--pr: the pull request number, e.g. 42']);
  const pr = options.pr === undefined ? undefined : Number(options.pr);
  const template = checkApplyTemplate(options.apply);
  const applyTimeoutMs = parseDuration(options.applyTimeout);
  if (applyTimeoutMs === undefined || applyTimeoutMs < 1000 || applyTimeoutMs > APPLY_TIMEOUT_MAX) {
    throw new InputError(`bad apply timeout "${options.applyTimeout}"`, [`--apply-timeout: a duration from 1s to ${formatDuration(APPLY_TIMEOUT_MAX)}, e.g. "1h"; past it the apply command is stopped and the rollout halts`]);
  }
  const names = options.stacks.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { bakeMs, commit, pr, template, applyTimeoutMs, names };
}

function renderPlan(id: string, commit: string, bakeMs: number, steps: readonly RolloutStep[]): string {
  const lines = [`rollout ${id}: ${commit.slice(0, 7)} to ${steps.length} stack(s), one at a time, each baked ${formatDuration(bakeMs)}`];
  steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.stack.padEnd(28)} ${s.role === 'deployment-wide' ? `deployment-wide (${s.tier}): ${s.regions.join(', ')}` : `${s.role} ${s.regions[0]}`}`));
  return lines.join('\n');
}

function renderReport(report: RolloutReport): string {
  if (report.status === 'done') return `rollout ${report.rollout} done: ${report.commit.slice(0, 7)} applied and baked in ${report.applied.map((a) => a.stack).join(', ')}`;
  return [
    `rollout ${report.rollout} ${report.status}: ${report.reason}`,
    ...(report.change ? [`  change: ${report.change} (${report.commit.slice(0, 7)}, stack ${report.stack})`] : []),
    ...(report.detectedAfterMs !== undefined ? [`  halted ${formatDuration(report.detectedAfterMs)} after ${report.stack} was applied`] : []),
    `  applied: ${report.applied.map((a) => a.stack).join(', ') || 'nothing'}`,
    `  untouched: ${report.untouched.join(', ') || 'nothing'}`,
    `  next: roll ${report.commit.slice(0, 7)} back in ${report.applied.map((a) => a.stack).join(', ') || 'no stack'} (runbooks/bad-change-mid-rollout.md)`,
  ].join('\n');
}

async function rollout(options: RolloutOptions): Promise<void> {
  const { bakeMs, commit, pr, template, applyTimeoutMs, names } = parseOptions(options);
  const dir = resolve(options.dir);
  const stacks = readStacks(dir, names);
  const live = liveController(options, 'rollout');
  const steps = await prepareRollout(live, stacks, options.rollback);

  const id = newCommandId(options.rollback ? 'rollback' : 'rollout');
  const progressLine = (line: string) => process.stderr.write(`${line}\n`);
  if (!options.json) progressLine(renderPlan(id, commit, bakeMs, steps));
  const started = Date.now();
  const report = await runRollout(
    {
      id,
      steps,
      commit,
      ...(pr !== undefined && { pr }),
      bakeMs,
      pollMs: bakePollMs(bakeMs),
      rollback: options.rollback ?? false,
      apply: (step) => applyStack(template, step, { dir, commit, timeoutMs: applyTimeoutMs, out: (text) => process.stderr.write(text) }),
    },
    {
      live,
      now: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      progress: (line) => progressLine(`[${formatDuration(Date.now() - started).padStart(7)}] ${line}`),
    },
  );
  output(options, report, () => renderReport(report));
  if (report.status !== 'done') process.exitCode = 1;
}

export function registerRolloutCommand(program: Cli): void {
  program
    .command('rollout')
    .description("Apply stacks one at a time (deployment-wide first, the standbys, the current primary last), each baked under the controller's verdicts; halt on a regression")
    .requiredOption('--stacks <names>', 'the stacks to roll out, comma-separated (their settings files are Pulumi.<stack>.yaml in --dir)')
    .requiredOption('--bake <duration>', `how long each stack's regions must stay healthy after it is applied (${formatDuration(BAKE_RANGE.min)} to ${formatDuration(BAKE_RANGE.max)}), e.g. 10m`)
    .option('--apply <command>', 'the command that applies one stack, {stack} standing for its name, e.g. "pulumi up --yes --stack {stack}"')
    .option('--apply-timeout <duration>', 'longest one apply may run before it is stopped and the rollout halts', '1h')
    .option('--commit <sha>', 'the commit being rolled out (named in the controller\'s decisions)')
    .option('--pr <number>', 'the pull request that merged it')
    .option('--dir <dir>', 'where the stack settings files are (the project directory)', '.')
    .option('--rollback', 'repair what a change broke: may start while the regions fail or automation is paused (never during a failover); each region must be healthy when its bake ends')
    .option('--json', 'print one JSON object instead of text')
    .option('--api <url>', "a replica's API (env FCP_API); an operator token in env FCP_TOKEN")
    .action((options: RolloutOptions) => rollout(options));
}
