import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { InputError } from '../../controller/errors.js';
import { SETTINGS_KEY, SETTINGS_NAMESPACE } from '../settings.js';

const SETTINGS_CONFIG_KEY = `${SETTINGS_NAMESPACE}:${SETTINGS_KEY}`;

/** Reads a `Pulumi.<stack>.yaml` file and returns its `fcp:deployment` value (unvalidated: the program validates it). */
export function readStackSettings(path: string): unknown {
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
  const settings = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)[SETTINGS_CONFIG_KEY] : undefined;
  if (settings === undefined) {
    throw new InputError(`stack file ${path} has no \`config.${SETTINGS_CONFIG_KEY}\``, [
      `${path}: add the deployment settings under config: ${SETTINGS_CONFIG_KEY}: (see Pulumi.example.yaml)`,
    ]);
  }
  return settings;
}
