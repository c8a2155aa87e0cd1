/* global EventSource */
// The live timeline: server-sent `decision`, `plan` and `status` events from /v1/events.
// EventSource cannot send headers, so the token rides in the query string (this route only).
import { readToken } from './api.js';
import { byId, clock, el } from './dom.js';

/** Enough lines for an incident; older ones are dropped so a long-open tab stays fast. */
const MAX_ENTRIES = 200;

// Event data (controller/api/events.ts): the decision or executor event itself, plus `replica`,
// the replica that reported it.
function describeDecision(decision) {
  const from = decision.replica ? ` (seen by ${decision.replica})` : '';
  const tone = decision.kind === 'flip' ? 'degraded' : decision.kind === 'refuse' ? 'failed' : 'unknown';
  return { at: decision.at, tone, kind: `decision: ${decision.kind === 'none' ? 'no action' : decision.kind}`, text: `${decision.reason}${from}` };
}

function describePlanEvent(event) {
  switch (event.type) {
    case 'plan-start':
      return { at: event.at, tone: 'degraded', kind: event.resumed ? 'plan resumed' : 'plan started', text: `${event.plan.operation} ${event.plan.from} → ${event.plan.to}: ${event.plan.reason}` };
    case 'step-start':
      return { at: event.at, tone: 'unknown', kind: 'step', text: `${event.step.index}. ${event.step.kind} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}` };
    case 'step-end': {
      const failed = event.outcome.status === 'failed';
      return { at: event.at, tone: failed ? 'failed' : 'healthy', kind: 'step', text: `${event.step.index}. ${event.step.kind} ${event.outcome.status}${failed ? `: ${event.outcome.error}` : ''}` };
    }
    case 'plan-end':
      return { at: event.at, tone: event.ok ? 'healthy' : 'failed', kind: event.ok ? 'plan succeeded' : 'plan failed', text: `${event.planId}${event.error ? `: ${event.error}` : ''}` };
    case 'plan-stopped':
      return { at: event.at, tone: 'failed', kind: 'plan stopped', text: `${event.planId}: ${event.reason}` };
    default:
      return { at: event.at, tone: 'unknown', kind: 'plan', text: JSON.stringify(event) };
  }
}

function append(entry) {
  const list = byId('timeline');
  list.prepend(el('li', { class: `entry ${entry.tone}` }, el('time', {}, clock(entry.at)), ' ', el('span', { class: `pill ${entry.tone}` }, entry.kind), ' ', entry.text));
  while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
}

function setState(text, tone) {
  const pill = byId('stream-state');
  pill.textContent = text;
  pill.className = `pill ${tone}`;
}

/**
 * Opens the event stream. `onStatus` is called on each `status` event (every controller tick: a
 * cue to re-read the full status). Returns a function that closes the stream. The browser
 * reconnects by itself after a drop; the pill says so meanwhile.
 */
export function openTimeline(onStatus, onError) {
  const stream = new EventSource(`/v1/events?token=${encodeURIComponent(readToken())}`);
  const handle = (describe) => (message) => {
    try {
      append(describe(JSON.parse(message.data)));
    } catch (error) {
      onError(new Error(`unreadable ${message.type} event from the API: ${error.message}`));
    }
  };
  stream.addEventListener('open', () => setState('live', 'healthy'));
  stream.addEventListener('error', () => setState(stream.readyState === EventSource.CLOSED ? 'closed (reload, or check the token)' : 'reconnecting…', 'failed'));
  stream.addEventListener('decision', handle(describeDecision));
  stream.addEventListener('plan', handle(describePlanEvent));
  stream.addEventListener('status', () => onStatus());
  return () => {
    stream.close();
    setState('disconnected', 'unknown');
  };
}
