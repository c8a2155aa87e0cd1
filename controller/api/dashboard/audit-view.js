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
          el('tr', { class: `phase-${r.phase}` }, el('td', { class: 'num' }, r.seq), el('td', {}, clock(r.at)), el('td', {}, r.actor), el('td', {}, r.action), el('td', {}, r.phase), el('td', { class: 'details' }, detailText(r.details))),
        ),
      ),
    ),
  );
}
