// Server-sent events read with fetch instead of EventSource: fetch can send the bearer token as a
// header, so the token never lands in a URL (and so in proxy or access logs).
import { ApiError, readToken } from './api.js';

/** The API writes a keep-alive comment every 15s: this much silence means the stream is dead. */
const IDLE_MS = 40_000;
/** Reconnect backoff: capped exponential with full jitter, reset once a stream connects. */
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 30_000;

/** Splits SSE text into `{ type, data }` events; returns the unfinished tail to prepend to the next chunk. */
export function parseEvents(buffer, onEvent) {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const tail = blocks.pop() ?? '';
  for (const block of blocks) {
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) onEvent({ type, data: data.join('\n') });
  }
  return tail;
}

/**
 * Follows `path` until closed: `onEvent({ type, data })` per event, `onState('live' | 'retrying' |
 * 'refused', error?)` as the connection changes. A refused token (401/403/429) stops retrying:
 * each retry would count as another failed authentication.
 */
export function followEvents(path, { onEvent, onState }) {
  let closed = false;
  let abort;
  let retryTimer;
  let failures = 0;

  const connect = async () => {
    abort = new AbortController();
    let idle = setTimeout(() => abort.abort(), IDLE_MS);
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(), IDLE_MS);
    };
    try {
      const response = await fetch(path, { headers: { Authorization: `Bearer ${readToken()}`, Accept: 'text/event-stream' }, signal: abort.signal });
      if (closed) return;
      if (response.status === 401 || response.status === 403 || response.status === 429) {
        onState('refused', new ApiError(response.status, `The live stream was refused (${response.status}): enter a valid token to retry.`));
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      failures = 0;
      onState('live');
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        touch();
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), onEvent);
      }
      throw new Error('the stream ended');
    } catch (error) {
      if (closed) return;
      failures += 1;
      const delay = Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** failures);
      onState('retrying', error);
      retryTimer = setTimeout(connect, delay);
    } finally {
      clearTimeout(idle);
    }
  };

  void connect();
  return () => {
    closed = true;
    clearTimeout(retryTimer);
    abort?.abort();
  };
}
