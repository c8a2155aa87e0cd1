// The audit trail, newest first: who did what, intent before action, result after.
import { call } from './api.js';
import { byId, clock, el, show } from './dom.js';

const LIMIT = 50;

/** Details in one line, without the noise of braces and quotes for simple values. */
function detailText(details) {
  return Object.entries(details ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v)}`)
    .join('  ');
}

/** Long details (guards, step results) fold to their first line's start; the rest is one click away. */
const FOLD_AT = 140;

function detailCell(text) {
  if (text.length <= FOLD_AT) return el('td', { class: 'details' }, text);
  return el('td', { class: 'details' }, el('details', {}, el('summary', {}, `${text.slice(0, FOLD_AT)}…`), text));
}

export async function loadAudit() {
  const body = await call('GET', `/v1/audit?limit=${LIMIT}`);
  const records = Array.isArray(body) ? body : (body?.records ?? []);
  if (records.length === 0) {
    show(byId('audit'), el('p', { class: 'muted' }, 'no audit records yet'));
    return;
  }
  show(
    byId('audit'),
    el(
      'table',
      { class: 'audit' },
      el('thead', {}, el('tr', {}, ['#', 'time', 'actor', 'action', 'phase', 'details'].map((h) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        records.map((r) =>
          el('tr', { class: `phase-${r.phase}` }, el('td', { class: 'num' }, r.seq), el('td', {}, clock(r.at)), el('td', {}, r.actor), el('td', {}, r.action), el('td', {}, r.phase), detailCell(detailText(r.details))),
        ),
      ),
    ),
  );
}
