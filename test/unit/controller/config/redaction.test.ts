/* eslint-disable @typescript-eslint/no-explicit-any -- these tests mutate raw YAML trees freely */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadConfig } from '../../../../controller/config/load.js';
import { redactUrl } from '../../../../kernel/validate.js';
import { InputError } from '../../../../kernel/errors.js';

const sandbox = () => YAML.parse(readFileSync(new URL('../../../../examples/sandbox.yaml', import.meta.url), 'utf8')) as Record<string, any>;

/** Writes the config to a file and loads it as `fcp config validate` and a replica do: the whole error, message and problems. */
function errorText(mutate: (config: Record<string, any>) => void): string {
  const config = sandbox();
  mutate(config);
  const file = join(mkdtempSync(join(tmpdir(), 'fcp-redaction-')), 'config.yaml');
  writeFileSync(file, YAML.stringify(config));
  try {
    loadConfig(file);
  } catch (error) {
    if (error instanceof InputError) return [error.message, ...error.problems].join('\n');
    throw error;
  }
  throw new Error('the config was accepted');
}

const SECRET = 'T0123ABCD/B0456EFGH/zQ3xY7pL9sK2mN8vR4tW6uJ1';

describe('config errors never print a URL in full', () => {
  it.each([
    { name: 'a typo in the scheme', url: `htps://hooks.slack.com/services/${SECRET}`, shown: '"htps://hooks.slack.com/…"' },
    { name: 'no scheme', url: `hooks.slack.com/services/${SECRET}`, shown: `a value of ${`hooks.slack.com/services/${SECRET}`.length} characters (not shown)` },
    { name: 'a port out of range', url: `https://hooks.slack.com:99999/services/${SECRET}`, shown: '"https://hooks.slack.com:99999/…"' },
    { name: 'a space inside', url: `https://hooks.slack.com/services/${SECRET} extra`, shown: '"https://hooks.slack.com/…"' },
    { name: 'only the secret part', url: SECRET, shown: `a value of ${SECRET.length} characters (not shown)` },
  ])('a malformed webhook URL ($name): the field and host are named, the secret path never', ({ url, shown }) => {
    const text = errorText((c) => (c.notifications = { webhook: { url } }));
    expect(text).toContain(`notifications.webhook.url: ${shown} is not an http(s) URL`);
    for (const part of SECRET.split('/')) expect(text).not.toContain(part);
  });

  it('a service endpoint with credentials in it: user info and query are not shown', () => {
    const text = errorText((c) => (c.services[0].endpoints['us-east-1'] = 'http//admin:hunter2@10.0.0.1/health?key=s3cr3t'));
    expect(text).toContain('services[0].endpoints.us-east-1: a value of 46 characters (not shown) is not an http(s) URL');
    const other = errorText((c) => (c.aws.endpoints.dynamodb = 'http://admin:hunter2@[::1/?key=s3cr3t'));
    expect(other).toMatch(/aws\.endpoints\.dynamodb: "http:\/\/\[::1\/…" is not an http\(s\) URL/);
    for (const secret of ['hunter2', 's3cr3t', 'admin']) expect(text + other).not.toContain(secret);
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://hooks.example.com', '"https://hooks.example.com"'],
    ['https://user:pw@hooks.example.com/x?y=z', '"https://hooks.example.com/…"'],
    ['http://[::1]:7101/health', '"http://[::1]:7101/…"'],
    ['https://\u001b[2Khost/x', 'a value of 18 characters (not shown)'],
    [42, 'a value of 2 characters (not shown)'],
  ])('%j -> %s', (value, shown) => {
    expect(redactUrl(value)).toBe(shown);
  });
});
