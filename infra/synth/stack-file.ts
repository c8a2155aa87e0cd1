import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { InputError } from '../../kernel/errors.js';
import { SETTINGS_KEY, SETTINGS_NAMESPACE } from '../settings.js';

export const SETTINGS_CONFIG_KEY = `${SETTINGS_NAMESPACE}:${SETTINGS_KEY}`;

/** Reads a `Pulumi.<stack>.yaml` file and returns its `config` map. */
export function readStackConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? cause);
    throw new InputError(`cannot read stack file ${path}: ${reason}`, [`${path}: ${reason}`], { cause });
  }
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) {
    throw new InputError(`stack file ${path} is not valid YAML`, document.errors.map((e) => `${path}: ${e.message.split('\n')[0]}`));
  }
  const root: unknown = document.toJS();
  const config = typeof root === 'object' && root !== null ? (root as Record<string, unknown>).config : undefined;
  return typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
}

/** Reads a `Pulumi.<stack>.yaml` file and returns its `fcp:deployment` value (unvalidated: the program validates it). */
export function readStackSettings(path: string): unknown {
  const settings = readStackConfig(path)[SETTINGS_CONFIG_KEY];
  if (settings === undefined) {
    throw new InputError(`stack file ${path} has no \`config.${SETTINGS_CONFIG_KEY}\``, [
      `${path}: add the deployment settings under config: ${SETTINGS_CONFIG_KEY}: (see Pulumi.example.yaml)`,
    ]);
  }
  return settings;
}

/**
 * Sets `writerRegion` in a stack file's settings as a one-line edit: the value is replaced where it
 * is, or a line is added under `primaryRegion` with its indentation. Everything else in the file
 * (comments, alignment, flow style) stays byte for byte.
 */
export function writeWriterRegion(path: string, region: string): void {
  const text = readFileSync(path, 'utf8');
  const settings = YAML.parseDocument(text).getIn(['config', SETTINGS_CONFIG_KEY], true);
  if (!YAML.isMap(settings)) throw new InputError(`stack file ${path} has no \`config.${SETTINGS_CONFIG_KEY}\` mapping`, [`${path}: see Pulumi.example.yaml`]);
  const pairOf = (key: string) => settings.items.find((pair) => YAML.isScalar(pair.key) && pair.key.value === key);
  const existing = pairOf('writerRegion')?.value;
  if (YAML.isScalar(existing) && existing.range) {
    writeFileSync(path, `${text.slice(0, existing.range[0])}${region}${text.slice(existing.range[1])}`);
    return;
  }
  const primary = pairOf('primaryRegion');
  if (!primary || !YAML.isScalar(primary.key) || !primary.key.range) {
    throw new InputError(`stack file ${path} has no primaryRegion to place writerRegion under`, [`${path}: add primaryRegion to config.${SETTINGS_CONFIG_KEY}`]);
  }
  const keyStart = primary.key.range[0];
  const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const lineEnd = text.indexOf('\n', keyStart);
  const at = lineEnd < 0 ? text.length : lineEnd;
  writeFileSync(path, `${text.slice(0, at)}\n${' '.repeat(indent)}writerRegion: ${region}${text.slice(at)}`);
}
