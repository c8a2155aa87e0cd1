// Renders the latest plan journal: what it does, where it stands, and every step's progress.
import { byId, clock, duration, el, show } from './dom.js';

/** Journal step status -> what the reader sees (as `fcp plan` marks them). */
const STEP_MARK = {
  done: ['healthy', '✔ done'],
  skipped: ['healthy', '↷ skipped (already done)'],
  started: ['degraded', '… running'],
  failed: ['failed', '✖ failed'],
  pending: ['unknown', '· pending'],
};
const PLAN_STATE = { running: 'degraded', succeeded: 'healthy', failed: 'failed', abandoned: 'unknown' };

function stepRow(step, record) {
  const [tone, label] = STEP_MARK[record?.status ?? 'pending'] ?? STEP_MARK.pending;
  const took = record?.startedAt && record?.finishedAt ? ` in ${duration(record.finishedAt - record.startedAt)}` : '';
  return el(
    'li',
    { class: `step ${tone}`, 'data-step': step.index, 'data-status': record?.status ?? 'pending' },
    el('span', { class: `pill ${tone}` }, label),
    ' ',
    el('strong', {}, step.kind),
    ` ${step.title}`,
    el('span', { class: 'muted' }, record && record.attempts > 1 ? ` (${record.attempts} attempts)` : '', took),
    record?.error ? el('div', { class: 'step-error' }, record.error) : null,
  );
}

export function renderPlan(journal) {
  if (!journal) {
    show(byId('plan'), el('p', { class: 'muted' }, 'no plan has run yet'));
    return;
  }
  const { head, steps } = journal;
  const plan = head.plan;
  const records = new Map(steps.map((s) => [s.index, s]));
  const finished = steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  show(
    byId('plan'),
    el(
      'div',
      { class: 'plan', 'data-plan': plan.id, 'data-status': head.status },
      el(
        'p',
        {},
        el('span', { class: `pill ${PLAN_STATE[head.status] ?? 'unknown'}` }, head.status),
        ' ',
        el('strong', {}, `${plan.operation} ${plan.from} → ${plan.to}`),
        ` (${plan.mode}, ${plan.trigger}) — ${finished}/${plan.steps.length} steps complete — started ${clock(head.startedAt)}`,
        head.finishedAt ? `, finished ${clock(head.finishedAt)} after ${duration(head.finishedAt - head.startedAt)}` : '',
      ),
      el('progress', { max: plan.steps.length, value: finished }),
      el('p', { class: 'muted' }, `Reason: ${plan.reason}`, plan.overridden.length > 0 ? ` — guards overridden: ${plan.overridden.join(', ')}` : ''),
      head.error ? el('p', { class: 'step-error' }, head.error) : null,
      el('ol', { class: 'steps' }, plan.steps.map((step) => stepRow(step, records.get(step.index)))),
    ),
  );
}
