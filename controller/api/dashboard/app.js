// Dashboard entry point: token handling, the refresh loop, the live stream and the error banner.
import { call, readToken, saveToken } from './api.js';
import { loadAudit } from './audit-view.js';
import { byId, show } from './dom.js';
import { renderPlan } from './plan-view.js';
import { loadRequests, wireRequestForm } from './requests-view.js';
import { renderStatus } from './status-view.js';
import { notePlanJournal, openTimeline } from './timeline.js';

/** The stream cues a refresh on every tick; polling covers a stream that is down or buffered. */
const POLL_MS = 5000;
/** At most one status read per this interval however fast the stream cues. */
const MIN_REFRESH_MS = 1000;
const AUDIT_POLL_MS = 10_000;

/**
 * A refused token stops every loop: each retry would count as another failed authentication and
 * get this address (and everyone behind it) locked out. A new token starts them again.
 */
const STOPS_POLLING = new Set([401, 429]);

function showError(error) {
  if (STOPS_POLLING.has(error.status)) stop();
  const banner = byId('error');
  banner.hidden = false;
  show(banner, error.message);
}

function clearError() {
  const banner = byId('error');
  banner.hidden = true;
  show(banner);
}

function renderSnapshot(snapshot) {
  renderStatus(snapshot);
  renderPlan(snapshot.latestPlan);
  notePlanJournal(snapshot.latestPlan);
}

let lastRefresh = 0;

async function refresh() {
  lastRefresh = Date.now();
  try {
    const [snapshot] = await Promise.all([call('GET', '/v1/status'), loadRequests(showError)]);
    renderSnapshot(snapshot);
    clearError();
  } catch (error) {
    showError(error);
  }
}

async function refreshAudit() {
  try {
    await loadAudit();
  } catch (error) {
    showError(error);
  }
}

let running;

function stop() {
  running?.();
  running = undefined;
}

/** (Re)starts everything that needs the token: after page load and after a new token is entered. */
function start() {
  stop();
  if (!readToken()) {
    showError(new Error('Paste an API token above to see the deployment (viewer, operator or approver).'));
    return;
  }
  const closeTimeline = openTimeline(() => {
    if (Date.now() - lastRefresh >= MIN_REFRESH_MS) void refresh();
  }, showError);
  const poll = setInterval(refresh, POLL_MS);
  const pollAudit = setInterval(refreshAudit, AUDIT_POLL_MS);
  void refresh();
  void refreshAudit();
  running = () => {
    closeTimeline();
    clearInterval(poll);
    clearInterval(pollAudit);
  };
}

byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId('token-input');
  saveToken(input.value.trim());
  input.value = '';
  start();
});
byId('token-clear').addEventListener('click', () => {
  saveToken('');
  start();
});
byId('audit-refresh').addEventListener('click', refreshAudit);
wireRequestForm(async () => {
  await refresh();
  await refreshAudit();
}, showError);

start();
