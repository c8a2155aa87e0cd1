// Renders a status snapshot (controller/status.ts `Snapshot`): summary bar, regions with verdicts
// and evidence, the decision, and the replicas' readiness conditions.
import { byId, clock, duration, el, show } from './dom.js';

/** Health is always shown as a word and a symbol as well as a colour. */
const HEALTH_LABEL = { healthy: '✔ healthy', degraded: '▲ degraded', failed: '✖ failed', unknown: '? unknown' };
const CONDITION_LABEL = { true: '✔ ok', false: '✖ failing', unknown: '? unknown' };
/** A replica that has not published for this long is shown as stale (as `fcp status` does). */
const STALE_AFTER_MS = 10_000;

export function healthPill(health) {
  return el('span', { class: `pill ${health}` }, HEALTH_LABEL[health] ?? health);
}

function leaseText(snapshot) {
  const lease = snapshot.lease;
  if (!lease?.holder || lease.expiresAt <= snapshot.at) return 'none — nothing acts automatically';
  return `${lease.holder} (token ${lease.token}, expires in ${duration(lease.expiresAt - snapshot.at)})`;
}

/** Where the database writer is, as the serving replica last read it (absent when unknown). */
function writerRegion(snapshot) {
  return snapshot.database?.writerRegion;
}

/** The replica that answered: the dashboard talks to one replica, which may be cut off itself. */
function servedBy(snapshot) {
  const self = snapshot.replica;
  if (!self) return undefined;
  return `${self.region}${self.holder ? ' (lease holder)' : ''}${self.storeReachable ? '' : ' — CANNOT REACH THE STATE STORE'}`;
}

function renderSummary(snapshot) {
  const t = snapshot.topology;
  const item = (label, value, extra = {}) => el('span', { class: 'fact', ...extra }, el('span', { class: 'label' }, label), ' ', el('strong', {}, value));
  const writer = writerRegion(snapshot);
  show(
    byId('summary'),
    item('Primary', t.primary, { 'data-fact': 'primary' }),
    item('Phase', t.phase, { 'data-fact': 'phase' }),
    item('DB writer', writer ?? 'not reported', { 'data-fact': 'writer' }),
    item('Lease holder', leaseText(snapshot), { 'data-fact': 'lease' }),
    servedBy(snapshot) ? item('Served by', servedBy(snapshot), { 'data-fact': 'served-by' }) : null,
    t.lostPrimary ? item('Lost primary', `${t.lostPrimary} (fail back when healthy)`) : null,
    t.paused ? el('span', { class: 'fact paused' }, `PAUSED by ${t.paused.actor}: ${t.paused.reason}`) : null,
    el('span', { class: 'fact muted' }, `as of ${clock(snapshot.at)}`),
  );
}

function evidenceTable(evidence) {
  if (evidence.length === 0) return el('p', { class: 'muted' }, 'no vantage point reports on this region');
  return el(
    'table',
    { class: 'evidence' },
    el('thead', {}, el('tr', {}, el('th', {}, 'from'), el('th', {}, 'signal'), el('th', {}, 'ok/failed/slow'), el('th', {}, 'health (last failure)'))),
    el(
      'tbody',
      {},
      evidence.map((e) =>
        el('tr', {}, el('td', {}, e.vantage), el('td', {}, `${e.service}/${e.signal}`), el('td', { class: 'num' }, `${e.ok}/${e.failed}/${e.slow}`), el('td', {}, healthPill(e.health), e.detail ? el('div', { class: 'detail' }, e.detail) : null)),
      ),
    ),
  );
}

/** What a recent infrastructure change has to do with a failure (controller/changes/notes.ts). */
function changeNotes(snapshot, region) {
  return (snapshot.changeNotes ?? []).filter((n) => n.region === region).map((n) => el('span', { class: 'change-note', 'data-change': n.changeId }, n.text));
}

function renderRegions(snapshot) {
  const t = snapshot.topology;
  const writer = writerRegion(snapshot);
  const assessment = snapshot.assessment;
  // The reason names the classification itself (`regional: eu-west-1 failed from 3/3 vantage points`).
  show(byId('classification'), assessment.reason, changeNotes(snapshot, undefined));
  const cards = Object.entries(assessment.verdicts).map(([region, verdict]) =>
    el(
      'article',
      { class: `region ${verdict.health}`, 'data-region': region, 'data-health': verdict.health },
      el(
        'header',
        {},
        el('h3', {}, region),
        region === t.primary ? el('span', { class: 'badge' }, 'PRIMARY') : el('span', { class: 'badge standby' }, 'standby'),
        region === writer ? el('span', { class: 'badge' }, 'DB WRITER') : null,
        healthPill(verdict.health),
      ),
      el('p', { class: 'verdict-summary' }, verdict.summary),
      changeNotes(snapshot, region),
      el('details', { open: verdict.health !== 'healthy' }, el('summary', {}, `evidence from ${verdict.reportingVantages} vantage point(s)`), evidenceTable(verdict.evidence)),
    ),
  );
  show(byId('regions'), cards.length > 0 ? cards : el('p', { class: 'muted' }, 'no verdicts yet: are the replicas probing?'));
}

function renderDecision(snapshot) {
  const d = snapshot.decision;
  const kind = d.kind === 'none' ? 'no action' : d.kind;
  show(byId('decision'), el('span', { class: `pill decision-${d.kind}` }, kind), ' ', d.reason);
}

function conditionRow(c) {
  const state = c.status === 'true' ? 'healthy' : c.status === 'false' ? 'failed' : 'unknown';
  return el('li', { class: 'condition' }, el('span', { class: `pill ${state}` }, CONDITION_LABEL[c.status] ?? c.status), ' ', el('strong', {}, c.type), c.region ? ` [${c.region}]` : '', `: ${c.message}`);
}

/** Problems first and open; the green checks folded away, counted, so a failing one stands out. */
function conditionList(conditions) {
  if (conditions.length === 0) return el('p', { class: 'muted' }, 'no readiness checks reported yet');
  const problems = conditions.filter((c) => c.status !== 'true');
  const passing = conditions.filter((c) => c.status === 'true');
  return [
    problems.length > 0 ? el('ul', { class: 'conditions' }, problems.map(conditionRow)) : el('p', {}, el('span', { class: 'pill healthy' }, '✔ all readiness checks pass')),
    passing.length > 0 ? el('details', {}, el('summary', {}, `${passing.length} passing check(s)`), el('ul', { class: 'conditions' }, passing.map(conditionRow))) : null,
  ];
}

function renderReplicas(snapshot) {
  const rows = snapshot.replicas.map((r) => {
    // A replica may publish just after the snapshot's clock reading: never show a negative age.
    const age = Math.max(0, snapshot.at - r.at);
    const stale = age > STALE_AFTER_MS;
    return el(
      'div',
      { class: 'replica', 'data-replica': r.replica },
      el('h3', {}, r.replica, ' ', el('span', { class: stale ? 'pill failed' : 'muted' }, stale ? `STALE: last report ${duration(age)} ago` : `reported ${duration(age)} ago`)),
      conditionList(r.conditions),
    );
  });
  show(byId('replicas'), rows.length > 0 ? rows : el('p', { class: 'muted' }, 'no replica reporting: are the controller replicas running?'));
}

/** Fills the region choices of the request form with the standby regions. */
function renderTargets(snapshot) {
  const select = document.querySelector('#request-form select[name="to"]');
  const regions = Object.keys(snapshot.assessment.verdicts).filter((r) => r !== snapshot.topology.primary);
  const current = [...select.options].map((o) => o.value).join();
  if (current === regions.join()) return;
  const chosen = select.value;
  show(select, regions.map((r) => el('option', { value: r, selected: r === chosen }, r)));
}

export function renderStatus(snapshot) {
  renderSummary(snapshot);
  renderRegions(snapshot);
  renderDecision(snapshot);
  renderReplicas(snapshot);
  renderTargets(snapshot);
}
