import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../controller/config/load.js';
import { baseConfig, repoRoot, startHarness, steady, type Harness } from '../controller/deployment.js';
import { browserMissing, launchChromium } from './browser.js';

// The sandbox's demo tokens (examples/sandbox.yaml lists their hashes): two different people.
const OPERATOR_TOKEN = 'operator-demo';
const APPROVER_TOKEN = 'approver-demo';
const SCREENSHOT = join(repoRoot, 'artifacts/dashboard.png');
/** Detection, a plan and page refreshes all fit well within this; it only bounds a hang. */
const WAIT_MS = 90_000;

const skip = browserMissing();
if (skip) console.warn(`dashboard browser test ${skip}`);

let harness: Harness | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** The two-person rule on: a switchover runs only after a different approver approves it. */
function twoPersonConfig() {
  const base = JSON.parse(JSON.stringify(baseConfig()));
  return parseConfig({ ...base, failover: { ...base.failover, approval: { ...base.failover.approval, required: true } } });
}

/** Any replica serves the dashboard; us-west-2's stays up through the whole test. */
function dashboardUrl(h: Harness): string {
  const url = h.deployment.apiUrls.get('us-west-2');
  if (!url) throw new Error('the us-west-2 replica reports no API URL: did its API fail to listen? (see FCP_E2E_LOG=info)');
  return `${url}/`;
}

async function signIn(page: Page, url: string, token: string): Promise<void> {
  const response = await page.goto(url);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
  await page.fill('#token-input', token);
  await page.click('#token-form button[type="submit"]');
}

const region = (page: Page, name: string, health: string) => page.waitForSelector(`[data-region="${name}"][data-health="${health}"]`, { timeout: WAIT_MS });

describe.skipIf(skip !== undefined)('dashboard in a browser', () => {
  it('shows regions, a failed region, and a switchover requested by an operator and approved by another person', async () => {
    browser = await launchChromium();
    const h = (harness = await startHarness(twoPersonConfig()));
    await steady(h);
    const url = dashboardUrl(h);
    // Two people, two browser contexts: each keeps its own token in its own sessionStorage.
    const operator = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const approver = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const scriptErrors: string[] = [];
    for (const page of [operator, approver]) {
      page.on('pageerror', (error) => scriptErrors.push(error.message));
      // The page runs under the API's Content-Security-Policy: anything it blocks is a failure.
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) scriptErrors.push(message.text());
      });
    }

    // A wrong token is refused plainly ...
    await signIn(operator, url, 'not-a-token');
    await operator.waitForSelector('#error:has-text("401")', { timeout: WAIT_MS });
    // ... and stops the page's polling and stream: retries would get the address locked out.
    await operator.waitForSelector('#stream-state:text-is("disconnected")', { timeout: WAIT_MS });

    await signIn(operator, url, OPERATOR_TOKEN);
    await signIn(approver, url, APPROVER_TOKEN);
    for (const name of ['us-east-1', 'us-west-2', 'eu-west-1']) await region(operator, name, 'healthy');
    await operator.waitForSelector('#error', { state: 'hidden', timeout: WAIT_MS });
    expect(await operator.textContent('[data-fact="primary"]')).toContain('us-east-1');
    expect(await operator.textContent('#stream-state')).toBe('live');

    // A standby region goes down: its card turns failed, with the word as well as the colour.
    const fault = h.deployment.sandbox.faults.add({ kind: 'region-down', region: 'eu-west-1' });
    const failed = await region(operator, 'eu-west-1', 'failed');
    expect(await failed.textContent()).toMatch(/failed/);
    h.deployment.sandbox.faults.remove(fault.id);
    await region(operator, 'eu-west-1', 'healthy');

    // The operator asks for a switchover through the form; it waits for a second person.
    await operator.selectOption('#request-form select[name="operation"]', 'switchover');
    await operator.selectOption('#request-form select[name="to"]', 'us-west-2');
    await operator.fill('#request-form input[name="reason"]', 'dashboard e2e: planned move to us-west-2');
    await operator.click('#request-preview');
    const preview = await operator.waitForSelector('#request-plan:has-text("switchover")', { timeout: WAIT_MS });
    expect(await preview.textContent()).toMatch(/us-west-2/);
    await operator.click('#request-form button[type="submit"]');
    await operator.waitForSelector('#request-result:has-text("accepted")', { timeout: WAIT_MS });

    // The operator sees the request too, but may not approve it: the refusal is shown plainly.
    const own = await operator.waitForSelector('[data-request]', { timeout: WAIT_MS });
    await own.$eval('button.approve', (button) => (button as unknown as { click(): void }).click());
    await operator.waitForSelector('#error:has-text("403")', { timeout: WAIT_MS });

    // The approver sees it pending and approves it; the plan runs to the end.
    const request = await approver.waitForSelector('[data-request]', { timeout: WAIT_MS });
    expect(await request.textContent()).toMatch(/switchover to us-west-2 requested by demo-operator/);
    await request.$eval('button.approve', (button) => (button as unknown as { click(): void }).click());
    await approver.waitForSelector('.plan[data-status="succeeded"]', { timeout: WAIT_MS });
    await approver.waitForSelector('[data-fact="primary"]:has-text("us-west-2")', { timeout: WAIT_MS });
    await approver.waitForSelector('#timeline .entry:has-text("plan succeeded")', { timeout: WAIT_MS });
    await approver.waitForSelector('#audit td:has-text("demo-approver")', { timeout: WAIT_MS });
    expect(await approver.$$eval('.plan .step', (steps) => steps.map((s) => s.getAttribute('data-status')))).toSatisfy((marks: string[]) => marks.length > 0 && marks.every((m) => m === 'done' || m === 'skipped'));

    expect(scriptErrors).toEqual([]);

    // No other page may frame the dashboard (an approve button under someone else's page).
    const framer = await (await browser.newContext()).newPage();
    const framerConsole: string[] = [];
    framer.on('console', (message) => framerConsole.push(message.text()));
    await framer.setContent(`<iframe src="${url}"></iframe>`);
    await expect.poll(() => framerConsole.some((text) => text.includes("frame-ancestors 'none'")), { timeout: WAIT_MS }).toBe(true);
    expect(await framer.frames()[1]?.$('#token-form')).toBeFalsy();

    await mkdir(join(repoRoot, 'artifacts'), { recursive: true });
    await approver.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
