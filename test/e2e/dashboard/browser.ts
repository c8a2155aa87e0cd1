import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); the test never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why the browser test cannot run here, or undefined when it can. Only a developer machine without
 * chromium skips; in CI (`CI` set) a missing browser is a failure, since `.ci/run` installs it.
 */
export function browserMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (env.CI) return undefined;
  return `skipped: no browser at ${CHROMIUM} (install it with \`apt-get update && apt-get install -y chromium\`)`;
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: CI must install it (.ci/run runs apt-get install -y chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
}
