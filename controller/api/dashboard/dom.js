// Element building for the dashboard. Data from the API only ever becomes text nodes, never HTML,
// so a region name or an error message cannot inject markup.

/**
 * `el('p', { class: 'muted' }, 'text', child)`: attributes starting with `on` become listeners,
 * `false`/`undefined` attributes and `null`/`undefined` children are left out.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/** Replaces an element's content. */
export function show(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`dashboard markup is missing #${id}`);
  return node;
}

/** `1500` -> `1.5s`, `90000` -> `1m30s` (as the CLI prints durations). */
export function duration(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

/** A UTC clock time, as incident timelines are kept in UTC. */
export function clock(at) {
  return Number.isFinite(at) ? new Date(at).toISOString().slice(11, 19) + 'Z' : '—';
}
