import { afterEach, vi } from 'vitest';
import { run } from '../../../cli/main.js';

/** Runs the `fcp` CLI in this process and captures what it prints. */
export async function fcp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Registers the clean-up a CLI test file needs: no spies or exit code left behind. */
export function resetCliAfterEach(): void {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
}
