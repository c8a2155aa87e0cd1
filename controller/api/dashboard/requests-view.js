// Two-person rule: pending requests with approve/reject, and the form operators use to request a
// switchover or failover.
import { call, idempotencyKey } from './api.js';
import { byId, clock, el, show } from './dom.js';

function requestRow(request, act) {
  const command = request.command;
  const note = el('input', { class: 'note', placeholder: 'note (approve) / reason (reject)', 'aria-label': `note or reason for request ${request.id}` });
  return el(
    'li',
    { class: 'request', 'data-request': request.id },
    el('strong', {}, command.kind === 'failback' ? 'failback to the configured primary' : `${command.kind} to ${command.to}`),
    ` requested by ${request.requestedBy} at ${clock(request.createdAt)}: ${command.reason}`,
    el('span', { class: 'muted' }, ` (can be approved until ${clock(request.expiresAt)})`),
    el(
      'div',
      { class: 'decide' },
      note,
      el('button', { type: 'button', class: 'approve', onclick: () => act(request.id, 'approve', note.value.trim() ? { note: note.value.trim() } : {}) }, 'Approve'),
      el('button', { type: 'button', class: 'reject', onclick: () => act(request.id, 'reject', { reason: note.value.trim() }) }, 'Reject'),
    ),
  );
}

/** Loads and shows the pending requests; `onError` gets any failure, including a refused approval. */
export async function loadRequests(onError) {
  const act = async (id, verdict, body) => {
    // One decision at a time per request: a double click must not send a second one.
    const buttons = [...document.querySelectorAll(`[data-request="${CSS.escape(id)}"] button`)];
    for (const button of buttons) button.disabled = true;
    try {
      await call('POST', `/v1/requests/${encodeURIComponent(id)}/${verdict}`, { body, headers: { 'Idempotency-Key': idempotencyKey() } });
      await loadRequests(onError);
    } catch (error) {
      onError(error);
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  };
  // Decided and expired requests stay listed for the record; only pending ones await a decision.
  const { requests: all } = await call('GET', '/v1/requests');
  const requests = all.filter((r) => r.state === 'pending');
  // Re-render only when the set changes, so a note being typed survives the refresh loop.
  const container = byId('requests');
  const ids = requests.map((r) => r.id).join(' ');
  if (container.dataset.ids === ids && container.childElementCount > 0) return;
  container.dataset.ids = ids;
  show(container, requests.length > 0 ? el('ul', { class: 'requests' }, requests.map((r) => requestRow(r, act))) : el('p', { class: 'muted' }, 'none'));
}

/** The API answers 202 with a pending approval `request` or a submitted `command`, and a message. */
function describeAccepted(body) {
  const id = body.request?.id ?? body.command?.command?.id;
  return `Accepted${id ? ` (${id})` : ''}: ${body.message}`;
}

/** Wires the request form: one idempotency key per filled-in form, kept across retries of it. */
export function wireRequestForm(onChange, onError) {
  const form = byId('request-form');
  const result = byId('request-result');
  let key = idempotencyKey();
  form.addEventListener('input', () => (key = idempotencyKey()));
  const preview = byId('request-plan');
  // What the engine would decide and do right now, changing nothing (as `fcp plan`).
  byId('request-preview').addEventListener('click', async () => {
    const data = new FormData(form);
    const query = new URLSearchParams({ to: data.get('to') ?? '', kind: data.get('operation') ?? '' });
    try {
      const body = await call('GET', `/v1/plan?${query}`);
      preview.hidden = false;
      show(preview, body.text);
    } catch (error) {
      preview.hidden = true;
      onError(error);
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const operation = data.get('operation');
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    show(result, `Submitting ${operation}…`);
    try {
      const body = await call('POST', `/v1/${operation}`, { body: { to: data.get('to'), reason: data.get('reason') }, headers: { 'Idempotency-Key': key } });
      show(result, describeAccepted(body));
      form.reset();
      preview.hidden = true;
      key = idempotencyKey();
      await onChange();
    } catch (error) {
      show(result, el('span', { class: 'step-error' }, error.message));
      onError(error);
    } finally {
      button.disabled = false;
    }
  });
}
