// One dependency direction between the top-level folders. The rule resolves every relative import
// (static, `export ... from`, dynamic) against the importing file and reports one that reaches a
// folder its own folder may not depend on. Package imports are not its business.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: where this rule lives, not where ESLint was started (an editor may start it in a subfolder). */
const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Which top-level folders each folder may import from. The kernel depends on nothing; the
 * controller on the kernel; the sandbox (an AWS emulator) on the kernel and on infra/ (it enforces
 * the task role infra/ renders), never on the controller; the CLI composes them all.
 */
export const LAYERS = {
  kernel: ['kernel'],
  controller: ['kernel', 'controller'],
  sandbox: ['kernel', 'sandbox', 'infra'],
  infra: ['kernel', 'controller', 'infra'],
  cli: ['kernel', 'controller', 'sandbox', 'infra', 'cli'],
};

const WHY = {
  kernel: 'the kernel is the bottom layer and imports no other folder',
  controller: 'the controller runs in production without the sandbox and the CLI; move what both need into kernel/',
  sandbox: 'the sandbox emulates AWS for any client; take what it needs from kernel/ or its own spec (sandbox/spec.ts)',
  infra: 'infra/ may read the controller\'s config and store contracts, never the sandbox or the CLI',
  cli: 'the CLI may compose every layer',
};

function topFolder(root, file) {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep)[0];
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'keeps imports between kernel/, controller/, sandbox/, infra/ and cli/ in one direction' },
    messages: { upward: '{{from}}/ may not import {{to}}/ ({{spec}}): {{why}}.' },
    schema: [],
  },
  create(context) {
    const root = ROOT;
    const from = topFolder(root, context.filename);
    const allowed = from === undefined ? undefined : LAYERS[from];
    if (!allowed) return {};
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const to = topFolder(root, path.resolve(path.dirname(context.filename), source.value));
      if (to === undefined || !(to in LAYERS) || allowed.includes(to)) return;
      context.report({ node: source, messageId: 'upward', data: { from, to, spec: source.value, why: WHY[from] } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export const layersPlugin = { rules: { direction: layersRule } };
