/* global FormData */
// Two-person rule: pending requests with approve/reject, and the form operators use to request a
// switchover or failover.
import { call, idempotencyKey } from './api.js';
import { byId, clock, el, show } from './dom.js';

const listOf = (body, key) => (Array.isArray(body) ? body : (body?.[key] ?? []));

/** The command inside a request, whether the API nests it or not. */
const commandOf = (request) => request.command ?? request;

function requestRow(request, act) {
  const command = commandOf(request);
  const by = request.requestedBy ?? request.actor ?? command.actor ?? 'unknown';
  const at = request.createdAt ?? command.at;
  return el(
    'li',
    { class: 'request', 'data-request': request.id },
    el('strong', {}, `${command.kind ?? request.kind} to ${command.to ?? request.to}`),
    ` requested by ${by} at ${clock(at)}: ${command.reason ?? request.reason ?? ''}`,
    request.expiresAt ? el('span', { class: 'muted' }, ` (expires ${clock(request.expiresAt)})`) : null,
    ' ',
    el('button', { type: 'button', class: 'approve', onclick: () => act(request.id, 'approve') }, 'Approve'),
    ' ',
    el('button', { type: 'button', class: 'reject', onclick: () => act(request.id, 'reject') }, 'Reject'),
  );
}

/** Loads and shows the pending requests; `onError` gets any failure, including a refused approval. */
export async function loadRequests(onError) {
  const act = async (id, verdict) => {
    try {
      await call('POST', `/v1/requests/${encodeURIComponent(id)}/${verdict}`, { headers: { 'Idempotency-Key': idempotencyKey() } });
      await loadRequests(onError);
    } catch (error) {
      onError(error);
    }
  };
  // Decided requests stay in the store for the record; only pending ones await a decision here.
  const requests = listOf(await call('GET', '/v1/requests'), 'requests').filter((r) => (r.status ?? 'pending') === 'pending');
  show(byId('requests'), requests.length > 0 ? el('ul', { class: 'requests' }, requests.map((r) => requestRow(r, act))) : el('p', { class: 'muted' }, 'none'));
}

function describeAccepted(body) {
  const status = body?.status ?? body?.record?.status;
  const id = body?.id ?? body?.command?.id ?? body?.request?.id;
  const reason = body?.reason ?? body?.record?.reason;
  return [`Request ${id ?? ''} accepted`, status ? ` — ${status}` : '', reason ? `: ${reason}` : ''].join('');
}

/** Wires the request form: one idempotency key per filled-in form, kept across retries of it. */
export function wireRequestForm(onChange, onError) {
  const form = byId('request-form');
  const result = byId('request-result');
  let key = idempotencyKey();
  form.addEventListener('input', () => (key = idempotencyKey()));
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
