import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How the runbook tests treat one ```sh block, from the `<!-- test: ... -->` comment before it. */
export type BlockTest =
  | { mode: 'run'; exit: number; expect: string[]; until?: string }
  | { mode: 'skip'; why: string }
  | { mode: 'none' };

export interface RunbookCommand {
  /** 1-based line in the runbook file. */
  line: number;
  text: string;
  /** The words after `fcp`, as a shell would split them. */
  args: string[];
}

export interface RunbookBlock {
  file: string;
  /** Line of the opening fence. */
  line: number;
  test: BlockTest;
  commands: RunbookCommand[];
  /** Lines that are neither an `fcp` command nor a comment: runbooks must not have any. */
  strays: { line: number; text: string }[];
}

/** Runbooks that the test suite executes block by block against a local deployment (runbook-execution.test.ts). */
export const EXECUTED_RUNBOOKS = ['drill.md', 'planned-switchover.md', 'bad-change-mid-rollout.md', 'reconcile-after-failover.md'];

export const runbooksDir = new URL('../../runbooks/', import.meta.url).pathname;

export function runbookFiles(): string[] {
  return readdirSync(runbooksDir)
    .filter((name) => name.endsWith('.md'))
    .sort();
}

/**
 * Splits one command line into words the way a POSIX shell does for the forms runbooks use:
 * plain words, '...' and "..." (with \" and \\ inside), and a trailing # comment.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++;
        word += line[i];
      }
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

const TEST_COMMENT = /^<!--\s*test:\s*(run|skip)\b(.*?)-->\s*$/;
const ATTRIBUTE = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;

export function parseTestComment(comment: string): BlockTest {
  const match = TEST_COMMENT.exec(comment.trim());
  if (!match) throw new Error(`not a test comment: ${comment}`);
  const rest = match[2]!.trim();
  if (match[1] === 'skip') {
    const why = /^"(.+)"$/.exec(rest)?.[1];
    if (!why) throw new Error(`a skipped block says why: <!-- test: skip "why" --> (got: ${comment})`);
    return { mode: 'skip', why };
  }
  const test: Extract<BlockTest, { mode: 'run' }> = { mode: 'run', exit: 0, expect: [] };
  const consumed = rest.replace(ATTRIBUTE, (_all, key: string, quoted: string | undefined, plain: string | undefined) => {
    const value = quoted === undefined ? plain! : quoted.replace(/\\(.)/g, '$1');
    if (key === 'exit') test.exit = Number(value);
    else if (key === 'expect') test.expect.push(value);
    else if (key === 'until') test.until = value;
    else throw new Error(`unknown test attribute "${key}" in: ${comment}`);
    return '';
  });
  if (consumed.trim() !== '' || !Number.isInteger(test.exit)) throw new Error(`cannot read test comment: ${comment}`);
  return test;
}

/** Every ```sh block of a runbook, with its commands and the test comment right before it. */
export function readRunbook(file: string): RunbookBlock[] {
  const lines = readFileSync(join(runbooksDir, file), 'utf8').split('\n');
  const blocks: RunbookBlock[] = [];
  let open: RunbookBlock | undefined;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (!open) {
      if (text === '```sh') {
        const previous = lines[index - 1]?.trim() ?? '';
        open = { file, line, test: previous.startsWith('<!-- test:') ? parseTestComment(previous) : { mode: 'none' }, commands: [], strays: [] };
      }
      return;
    }
    if (text.startsWith('```')) {
      blocks.push(open);
      open = undefined;
    } else if (text === '' || text.startsWith('#')) {
      return;
    } else if (/^fcp(\s|$)/.test(text)) {
      open.commands.push({ line, text, args: shellWords(text).slice(1) });
    } else {
      open.strays.push({ line, text });
    }
  });
  if (open) throw new Error(`${file}:${open.line}: a \`\`\`sh block is never closed`);
  return blocks;
}
