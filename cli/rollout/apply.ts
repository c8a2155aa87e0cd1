import { spawn } from 'node:child_process';
import { InputError } from '../../kernel/errors.js';
import type { RolloutStep } from './plan.js';

/** The placeholder an apply command names its stack with. */
export const STACK_PLACEHOLDER = '{stack}';

/**
 * The command that applies one stack, from the template `--apply` gives (e.g. `pulumi up --yes
 * --stack {stack}`). It is pluggable so that a test can apply a change without Pulumi, and so that a
 * team can wrap `pulumi up` in its own script.
 */
export function checkApplyTemplate(template: string | undefined): string {
  if (!template || template.trim() === '') throw new InputError('an apply command is required', ['--apply: the command that applies one stack, e.g. "pulumi up --yes --stack {stack}"']);
  if (!template.includes(STACK_PLACEHOLDER)) throw new InputError('the apply command does not name the stack', [`--apply: put ${STACK_PLACEHOLDER} where the stack name goes, e.g. "pulumi up --yes --stack {stack}"`]);
  return template;
}

/** The longest `--apply-timeout`: a `pulumi up` that runs longer than this is hung, not slow. */
export const APPLY_TIMEOUT_MAX = 6 * 3_600_000;
/** How long a stopped apply command gets between SIGTERM and SIGKILL (Pulumi writes its state on SIGTERM). */
const KILL_GRACE_MS = 30_000;

/**
 * Runs the apply command for one stack through the shell, in `dir`, its output passed on to `out`.
 * Stack names are checked (letters, digits, ".", "_", "-"), so substituting one is shell-safe. The
 * command also gets FCP_STACK, FCP_REGIONS and FCP_COMMIT in its environment. Past `timeoutMs` it
 * is stopped (SIGTERM, then SIGKILL after a grace) and counts as failed: the rollout halts there.
 */
export function applyStack(template: string, step: RolloutStep, context: { dir: string; commit: string; timeoutMs: number; out(text: string): void }): Promise<number> {
  const command = template.replaceAll(STACK_PLACEHOLDER, step.stack);
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: context.dir,
      // The operator's API token is the rollout's, not the apply command's.
      env: { ...withoutToken(process.env), FCP_STACK: step.stack, FCP_REGIONS: step.regions.join(','), FCP_COMMIT: context.commit },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stop reaches what the shell started (pulumi and its plugins).
      detached: true,
    });
    const stop = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    child.stdout.on('data', (chunk: Buffer) => context.out(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => context.out(chunk.toString()));
    child.on('error', (error) => {
      context.out(`cannot run the apply command: ${error.message}\n`);
      resolve(127);
    });
    // Stopping: SIGTERM to the whole group, SIGKILL once the grace is over or at a second stop.
    let kill: NodeJS.Timeout | undefined;
    let stopping = false;
    const halt = () => {
      if (stopping) {
        clearTimeout(kill);
        stop('SIGKILL');
        return;
      }
      stopping = true;
      stop('SIGTERM');
      kill = setTimeout(() => stop('SIGKILL'), KILL_GRACE_MS);
    };
    // Ctrl-C or a stop of the rollout stops the apply too (its own group does not get the terminal's
    // signal); a second Ctrl-C kills it at once instead of leaving it running unwatched.
    const interrupted = () => {
      context.out(stopping ? `killing the apply command for ${step.stack}\n` : `interrupted: stopping the apply command for ${step.stack} (Ctrl-C again to kill it)\n`);
      halt();
    };
    process.on('SIGINT', interrupted);
    process.on('SIGTERM', interrupted);
    const deadline = setTimeout(() => {
      context.out(`the apply command for ${step.stack} ran past its timeout (${context.timeoutMs} ms); stopping it\n`);
      halt();
    }, context.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(kill);
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FCP_TOKEN: _token, ...rest } = env;
  return rest;
}
