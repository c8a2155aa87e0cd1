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

const planTitle = (plan) => `${plan.operation} ${plan.from} → ${plan.to}: ${plan.reason}`;
const stepEnd = (planId, step, status, error, at) => ({
  key: `${planId}:${step.index}:end:${status}`,
  at,
  tone: status === 'failed' ? 'failed' : 'healthy',
  kind: 'step',
  text: `${step.index}. ${step.kind} ${status}${error ? `: ${error}` : ''}`,
});
const stepStart = (planId, step, attempt, at) => ({ key: `${planId}:${step.index}:start:${attempt}`, at, tone: 'unknown', kind: 'step', text: `${step.index}. ${step.kind} started${attempt > 1 ? ` (attempt ${attempt})` : ''}` });
const planEnd = (planId, ok, error, at) => ({ key: `${planId}:end`, at, tone: ok ? 'healthy' : 'failed', kind: ok ? 'plan succeeded' : 'plan failed', text: `${planId}${error ? `: ${error}` : ''}` });

/** One executor event, as the replica that runs the plan streams it. */
function describePlanEvent(event) {
  switch (event.type) {
    case 'plan-start':
      return { key: `${event.plan.id}:start`, at: event.at, tone: 'degraded', kind: event.resumed ? 'plan resumed' : 'plan started', text: planTitle(event.plan) };
    case 'step-start':
      return stepStart(event.planId, event.step, event.attempt, event.at);
    case 'step-end':
      return stepEnd(event.planId, event.step, event.outcome.status, event.outcome.error, event.at);
    case 'plan-end':
      return planEnd(event.planId, event.ok, event.error, event.at);
    case 'plan-stopped':
      return { key: `${event.planId}:stopped:${event.at}`, at: event.at, tone: 'failed', kind: 'plan stopped', text: `${event.planId}: ${event.reason}` };
    default:
      return { at: event.at, tone: 'unknown', kind: 'plan', text: JSON.stringify(event) };
  }
}

/**
 * The same progress read from the plan journal. Only the replica running a plan streams its
 * executor events, so a dashboard served by another replica learns of the steps from the journal.
 */
function journalEntries({ head, steps }) {
  const plan = head.plan;
  const entries = [{ key: `${plan.id}:start`, at: head.startedAt, tone: 'degraded', kind: 'plan started', text: planTitle(plan) }];
  for (const record of steps) {
    const step = plan.steps.find((s) => s.index === record.index);
    if (!step) continue;
    if (record.status === 'started') entries.push(stepStart(plan.id, step, record.attempts, record.startedAt));
    if (record.status === 'done' || record.status === 'skipped' || record.status === 'failed') entries.push(stepEnd(plan.id, step, record.status, record.error, record.finishedAt));
  }
  if (head.status !== 'running') entries.push(planEnd(plan.id, head.status === 'succeeded', head.error ?? (head.status === 'abandoned' ? 'abandoned' : undefined), head.finishedAt));
  return entries;
}

/** Keys of the entries shown, so an event seen both on the stream and in the journal shows once. */
const shown = new Set();

/** Adds an entry in time order (newest first); entries with a key already shown are dropped. */
function append(entry) {
  if (entry.key) {
    if (shown.has(entry.key)) return;
    shown.add(entry.key);
  }
  const list = byId('timeline');
  const item = el('li', { class: `entry ${entry.tone}`, 'data-at': entry.at }, el('time', {}, clock(entry.at)), ' ', el('span', { class: `pill ${entry.tone}` }, entry.kind), ' ', entry.text);
  const later = [...list.children].find((child) => Number(child.dataset.at) <= entry.at);
  list.insertBefore(item, later ?? null);
  while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
}

/** Brings the timeline up to date with the latest plan journal from a status read. */
export function notePlanJournal(journal) {
  if (journal) for (const entry of journalEntries(journal)) append(entry);
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
