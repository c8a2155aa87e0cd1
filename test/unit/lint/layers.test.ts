import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The layer rule's messages for `code` as if it were the file at `file` (a repository path). */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/direction').map((m) => m.message);
}

describe('the layer rule (lint/layers.js) in the project lint config', () => {
  it.each([
    ['controller/replica/x.ts', "import { startSandbox } from '../../sandbox/up.js';\nexport const x = startSandbox;\n", 'controller/ may not import sandbox/'],
    ['controller/x.ts', "import { buildProgram } from '../cli/main.js';\nexport const x = buildProgram;\n", 'controller/ may not import cli/'],
    ['controller/api/x.ts', "export const x = () => import('../../sandbox/up.js');\n", 'controller/ may not import sandbox/'],
    ['sandbox/rds/x.ts', "import type { Config } from '../../controller/config/schema.js';\nexport type X = Config;\n", 'sandbox/ may not import controller/'],
    ['sandbox/x.ts', "export { startReplica } from '../controller/main.js';\n", 'sandbox/ may not import controller/'],
    ['kernel/x.ts', "import type { Config } from '../controller/config/schema.js';\nexport type X = Config;\n", 'kernel/ may not import controller/'],
    ['infra/x.ts', "import { startSandbox } from '../sandbox/up.js';\nexport const x = startSandbox;\n", 'infra/ may not import sandbox/'],
  ])('reports %s importing across the direction', async (file, code, message) => {
    const problems = await layerProblems(file, code);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it.each([
    ['controller/replica/x.ts', "import { InputError } from '../../kernel/errors.js';\nexport const x = InputError;\n"],
    ['sandbox/rds/x.ts', "import { InputError } from '../../kernel/errors.js';\nexport const x = InputError;\n"],
    ['cli/commands/x.ts', "import { startSandbox } from '../../sandbox/up.js';\nimport { startReplica } from '../../controller/main.js';\nexport const x = [startSandbox, startReplica];\n"],
    ['controller/x.ts', "import { z } from 'zod';\nexport const x = z;\n"],
  ])('allows %s importing down the direction', async (file, code) => {
    expect(await layerProblems(file, code)).toEqual([]);
  });

  it('holds when ESLint is started in a subfolder (as an editor may)', async () => {
    const inSubfolder = new ESLint({ cwd: `${ROOT}controller` });
    const [result] = await inSubfolder.lintText("import { startSandbox } from '../../sandbox/up.js';\nexport const x = startSandbox;\n", { filePath: `${ROOT}controller/replica/x.ts` });
    expect((result?.messages ?? []).filter((m) => m.ruleId === 'layers/direction').map((m) => m.message)).toEqual([expect.stringContaining('controller/ may not import sandbox/')]);
  });
});
