import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { notInstalled } from '../../../cli/installation.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const missing = (what: string, code = 'ERR_MODULE_NOT_FOUND') => Object.assign(new Error(`Cannot find ${what} imported from ${root}cli/main.ts`), { code });

describe('notInstalled: a part the installation does not have, or a broken import in the code it ships', () => {
  it.each<[string, Error, boolean]>([
    ['the sandbox (the production image has none)', missing(`module '${root}sandbox/config-schema.ts'`), true],
    ['infra/ and its packages', missing("package '@pulumi/pulumi'"), true],
    ['a broken import inside the CLI is a bug, not a missing checkout', missing(`module '${root}cli/rollout/gone.ts'`), false],
    ['the same as a file URL', missing(`module 'file://${root}controller/domain/gone.ts'`), false],
    ['another error', missing(`module '${root}sandbox/x.ts'`, 'ERR_INVALID_ARG_TYPE'), false],
  ])('%s', (_what, error, expected) => {
    expect(notInstalled(error)).toBe(expected);
  });
});
