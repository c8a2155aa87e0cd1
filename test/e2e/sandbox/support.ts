import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadConfig } from '../../../controller/config/load.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/up.js';

/** Starts the whole sandbox from the example config on free ports, with its own data directory. */
export async function startTestSandbox(): Promise<{ sandbox: RunningSandbox; dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fcp-sandbox-'));
  const sandbox = await startSandbox(loadConfig('examples/sandbox.yaml'), { ephemeralPorts: true, dataDir });
  return {
    sandbox,
    dataDir,
    async cleanup() {
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** SDK client settings for the sandbox: one attempt, short timeouts, the replica's credentials for `region`. */
export function sdkOptions(endpoint: string, region: string, keyRegion = region) {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: `SANDBOX-${keyRegion}`, secretAccessKey: 'sandbox-secret' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true }),
  };
}

/** Polls `check` until it returns true, failing with `what` after the deadline. */
export async function until(check: () => Promise<boolean> | boolean, what: string, deadlineMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
