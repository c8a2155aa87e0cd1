import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures.js';

/** The Dockerfile's instructions, continuation lines joined. Docker is not available here, so it is checked as text. */
const instructions = readFileSync(`${ROOT}Dockerfile`, 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
const all = (keyword: string) => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds on Node 22 slim', () => {
    expect(all('FROM')).toEqual(['node:22-slim']);
  });

  it('installs production dependencies only, from the lockfile', () => {
    expect(all('RUN').join('\n')).toContain('npm ci --omit=dev');
    expect(all('RUN').join('\n')).not.toMatch(/npm install\b/);
  });

  it('runs as a non-root user from before the command on', () => {
    const users = instructions.map((i, index) => ({ ...i, index })).filter((i) => i.keyword === 'USER');
    expect(users.map((u) => u.args)).toEqual(['node']);
    const cmd = instructions.findIndex((i) => i.keyword === 'CMD');
    expect(users[0]!.index).toBeLessThan(cmd);
  });

  it('checks health on the controller API', () => {
    expect(all('HEALTHCHECK').join('\n')).toContain('http://127.0.0.1:8080/healthz');
  });

  it('runs `fcp controller` with the config file the ECS task writes, in the task region', () => {
    const [cmd] = all('CMD');
    const argv = JSON.parse(cmd ?? '[]') as string[];
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv[2]).toBe('exec fcp controller --config /etc/fcp/config.yaml --region "$AWS_REGION"');
  });

  it('keeps secrets, infra, the sandbox and tests out of the build context', () => {
    const ignored = readFileSync(`${ROOT}.dockerignore`, 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', '.data', 'infra', 'sandbox', 'test', 'Pulumi*.yaml']));
  });

  it('ships the kernel, the controller and the CLI, and no sandbox', () => {
    const copied = all('COPY').map((args) => args.split(/\s+/)[0]);
    expect(copied).toEqual(expect.arrayContaining(['bin', 'kernel', 'controller', 'cli']));
    expect(copied).not.toContain('sandbox');
  });

  it('has everything `fcp controller` loads: its static imports stay in the shipped folders and the production dependencies', () => {
    const shipped = all('COPY').map((args) => args.split(/\s+/)[0]!).filter((source) => source !== 'package.json');
    const { dependencies } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { dependencies: Record<string, string> };
    const { files, packages } = staticImports(['bin/fcp.js', 'cli/main.ts', 'cli/commands/run.ts']);
    expect(files.filter((file) => !shipped.some((folder) => file === folder || file.startsWith(`${folder}/`)))).toEqual([]);
    expect(files).toContain('controller/main.ts');
    expect(packages.filter((name) => !(name in dependencies))).toEqual([]);
  });
});

/**
 * The modules `entries` load at run time, following static imports (`import ... from`, `export ...
 * from`, and the entry's own dynamic import of the CLI); type-only imports are erased and skipped,
 * as are the dynamic imports of the CLI's on-demand commands. Returns repository paths and packages.
 */
function staticImports(entries: string[]): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  const specifier = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|^await import\(['"]([^'"]+)['"]\)/gm;
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(join(ROOT, file), 'utf8');
    for (const match of source.matchAll(specifier)) {
      const spec = match[1] ?? match[2]!;
      if (spec.startsWith('.')) {
        const target = relative(ROOT, join(ROOT, dirname(file), spec));
        const candidates = [target, target.replace(/\.js$/, '.ts')];
        const found = candidates.find((candidate) => existsSync(join(ROOT, candidate)));
        if (!found) throw new Error(`${file} imports ${spec}, which does not exist`);
        pending.push(found);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
