// The dashboard's only door to the controller's HTTP API: bearer token, timeout, plain errors.

const TOKEN_KEY = 'fcp.token';
const TIMEOUT_MS = 10_000;

export function readToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed API call, with a message a person can act on. `status` is 0 when the API was not reached. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

function explain(status, said) {
  const detail = said ? `: ${said}` : '';
  if (status === 401) return `Not signed in (401)${detail}. Paste a valid API token above.`;
  if (status === 403) return `Not allowed (403)${detail}. Your token's role cannot do this; ask someone with the right role.`;
  if (status === 404) return `Not found (404)${detail}.`;
  if (status === 409) return `Conflict (409)${detail}.`;
  if (status === 429) return `Too many refused tokens from this address (429)${detail}. Wait a minute, then enter a valid token.`;
  if (status >= 500) return `The controller failed (${status})${detail}. Try again; if it persists, use the fcp CLI.`;
  return `Refused (${status})${detail}.`;
}

async function messageOf(response) {
  try {
    const body = await response.json();
    // Validation failures list one problem per field (`reason: say why, for the audit trail`).
    const problems = Array.isArray(body?.problems) ? ` (${body.problems.join('; ')})` : '';
    return `${body?.message ?? body?.error ?? ''}${problems}`;
  } catch {
    return '';
  }
}

/** Calls the API; resolves with the parsed JSON body (undefined when empty), rejects with ApiError. */
export async function call(method, path, { body, headers = {} } = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${readToken()}`, ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
    });
  } catch (error) {
    const why = abort.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000}s` : String(error?.message ?? error);
    throw new ApiError(0, `Cannot reach the controller API (${why}). Check the network or the replica; the fcp CLI works without the dashboard.`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw new ApiError(response.status, explain(response.status, await messageOf(response)));
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** A fresh key per submitted form, so a double click or a retried request acts once. */
export function idempotencyKey() {
  // getRandomValues, unlike randomUUID, works on plain http too (a replica reached by its address).
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
