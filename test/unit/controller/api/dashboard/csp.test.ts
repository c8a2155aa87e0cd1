import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DIR } from '../../../../../controller/api/static.js';

/**
 * The dashboard must work under the API's Content-Security-Policy (scripts and styles from its own
 * origin only, no inline script). The browser test proves it in chromium; this finds what would
 * break it on machines without one.
 */
const files = readdirSync(DASHBOARD_DIR);
const read = (file: string) => readFileSync(join(DASHBOARD_DIR, file), 'utf8');

describe('the dashboard under its Content-Security-Policy', () => {
  const html = read('index.html');

  it('loads every script as a file of its own origin, none inline', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[\w.-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
  });

  it('has no inline event handlers, style attributes or style blocks, and no javascript: URLs', () => {
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it.each(files.filter((f) => f.endsWith('.js')))('%s builds no markup from strings and evaluates no strings', (file) => {
    const source = read(file);
    for (const pattern of [/\beval\s*\(/, /new\s+Function\s*\(/, /\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write/, /setAttribute\(\s*['"]style['"]/, /set(?:Timeout|Interval)\(\s*['"`]/]) {
      expect(source, `${file} uses ${pattern}`).not.toMatch(pattern);
    }
  });
});
