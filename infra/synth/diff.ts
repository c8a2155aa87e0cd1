import { machineryPart } from '../policy/failover-machinery.js';
import { formatValue, resourceKey, type Inventory, type InventoryResource } from './inventory.js';

export interface PropertyChange {
  /** Dotted path into the properties, e.g. `ttl` or `replicas[1].regionName`. */
  path: string;
  before: unknown;
  after: unknown;
  /** Under the resource's `ignoreChanges`: Pulumi keeps the live value, so the change is never applied. */
  ignored?: true;
}

export interface ModifiedResource {
  type: string;
  name: string;
  region: string | null;
  /** The region before, when the resource moved to another provider. */
  regionBefore?: string | null;
  changes: PropertyChange[];
}

/** A change to the failover machinery (see policy/failover-machinery.ts): it needs a second reviewer. */
export interface MachineryChange {
  change: 'add' | 'remove' | 'modify';
  type: string;
  name: string;
  region: string | null;
  part: string;
}

export interface InventoryDiff {
  added: InventoryResource[];
  removed: InventoryResource[];
  modified: ModifiedResource[];
  machinery: MachineryChange[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaf-level differences; a JSON string (an IAM policy, container definitions) is compared as JSON. */
function compare(path: string, before: unknown, after: unknown, out: PropertyChange[]): void {
  const b = parseJsonText(before);
  const a = parseJsonText(after);
  if (Array.isArray(b) && Array.isArray(a)) {
    for (let index = 0; index < Math.max(a.length, b.length); index++) compare(`${path}[${index}]`, b[index], a[index], out);
    return;
  }
  if (isObject(b) && isObject(a)) {
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) compare(path ? `${path}.${key}` : key, b[key], a[key], out);
    return;
  }
  if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ path, before: b, after: a });
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The property a change path starts with: `replicas` of `replicas[1].regionName`. */
const topLevel = (path: string) => /^[^.[]*/.exec(path)![0];

/** What a change adds, removes and modifies, resources matched by type and logical name. */
export function diffInventories(base: Inventory, head: Inventory): InventoryDiff {
  const before = new Map(base.resources.map((r) => [resourceKey(r), r]));
  const after = new Map(head.resources.map((r) => [resourceKey(r), r]));
  const diff: InventoryDiff = { added: [], removed: [], modified: [], machinery: [] };
  const touches = (change: MachineryChange['change'], ...versions: InventoryResource[]) => {
    const part = versions.map(machineryPart).find((p) => p !== undefined);
    const [resource] = versions;
    if (part && resource) diff.machinery.push({ change, type: resource.type, name: resource.name, region: resource.region, part: part.title });
  };
  for (const [key, resource] of after) {
    if (before.has(key)) continue;
    diff.added.push(resource);
    touches('add', resource);
  }
  for (const [key, resource] of before) {
    if (after.has(key)) continue;
    diff.removed.push(resource);
    touches('remove', resource);
  }
  for (const [key, next] of after) {
    const previous = before.get(key);
    if (!previous) continue;
    const changes: PropertyChange[] = [];
    compare('', previous.props, next.props, changes);
    for (const change of changes) if (next.ignoreChanges?.includes(topLevel(change.path))) change.ignored = true;
    if (changes.length === 0 && previous.region === next.region) continue;
    diff.modified.push({
      type: next.type,
      name: next.name,
      region: next.region,
      ...(previous.region !== next.region ? { regionBefore: previous.region } : {}),
      changes,
    });
    if (changes.some((c) => !c.ignored) || previous.region !== next.region) touches('modify', next, previous);
  }
  return diff;
}

const where = (region: string | null) => region ?? 'default provider';
const shown = (value: unknown) => (value === undefined ? '(unset)' : formatValue(value));

/** The first line of the diff's machinery summary: the PR report looks for it (.github/scripts/synth-report.sh). */
export const MACHINERY_SUMMARY_PREFIX = 'failover machinery:';

export function formatDiff(diff: InventoryDiff): string {
  const lines: string[] = [];
  const parts = new Map(diff.machinery.map((m) => [resourceKey(m), m.part]));
  const heading = (sign: string, r: { type: string; name: string; region: string | null }) => {
    const part = parts.get(resourceKey(r));
    return `${sign} ${r.type}  ${r.name}  (${where(r.region)})${part ? `  [failover machinery: ${part}]` : ''}`;
  };
  for (const r of diff.added) lines.push(heading('+', r));
  for (const r of diff.removed) lines.push(heading('-', r));
  for (const r of diff.modified) {
    lines.push(heading('~', r));
    if (r.regionBefore !== undefined) lines.push(`    region: ${where(r.regionBefore)} -> ${where(r.region)}`);
    for (const change of r.changes) lines.push(`    ${change.path}: ${shown(change.before)} -> ${shown(change.after)}${change.ignored ? '  (ignored after creation: never applied)' : ''}`);
  }
  lines.push(`${diff.added.length} to add, ${diff.removed.length} to remove, ${diff.modified.length} to modify`);
  if (diff.machinery.length > 0) {
    const touched = [...new Set(diff.machinery.map((m) => m.part))].sort();
    lines.push(`${MACHINERY_SUMMARY_PREFIX} ${diff.machinery.length} resource${diff.machinery.length === 1 ? '' : 's'} (${touched.join(', ')}); a second reviewer must approve this change`);
  }
  return lines.join('\n');
}
