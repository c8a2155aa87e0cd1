// The live timeline: server-sent `decision`, `plan` and `status` events from /v1/events.
import { byId, clock, el } from './dom.js';
import { followEvents } from './event-stream.js';

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
 * cue to re-read the full status). Returns a function that closes the stream.
 */
export function openTimeline(onStatus, onError) {
  const describers = { decision: describeDecision, plan: describePlanEvent };
  const stop = followEvents('/v1/events', {
    onEvent: ({ type, data }) => {
      if (type === 'status') return onStatus();
      const describe = describers[type];
      if (!describe) return;
      try {
        append(describe(JSON.parse(data)));
      } catch (error) {
        onError(new Error(`unreadable ${type} event from the API: ${error.message}`));
      }
    },
    onState: (state, error) => {
      if (state === 'live') setState('live', 'healthy');
      else if (state === 'retrying') setState('reconnecting…', 'failed');
      else {
        setState('refused', 'failed');
        onError(error);
      }
    },
  });
  return () => {
    stop();
    setState('disconnected', 'unknown');
  };
}
