import { describe, expect, it } from 'vitest';

interface SseEvent {
  type: string;
  data: string;
}
type ParseEvents = (buffer: string, onEvent: (event: SseEvent) => void) => string;

// The dashboard is plain browser JavaScript (no build step, no type declarations): load it by URL.
const moduleUrl = new URL('../../../../../controller/api/dashboard/event-stream.js', import.meta.url).href;
const { parseEvents } = (await import(moduleUrl)) as { parseEvents: ParseEvents };

/** Feeds the chunks one by one, as network reads would deliver them. */
function feed(chunks: string[]): { events: SseEvent[]; tail: string } {
  const events: SseEvent[] = [];
  let tail = '';
  for (const chunk of chunks) tail = parseEvents(tail + chunk, (e) => events.push(e));
  return { events, tail };
}

describe('parseEvents (dashboard server-sent events)', () => {
  it.each([
    { name: 'one event', chunks: ['event: plan\ndata: {"a":1}\n\n'], events: [{ type: 'plan', data: '{"a":1}' }], tail: '' },
    { name: 'an event split across reads', chunks: ['event: deci', 'sion\ndata: {"b"', ':2}\n', '\n'], events: [{ type: 'decision', data: '{"b":2}' }], tail: '' },
    { name: 'comments and keep-alives only', chunks: [': connected\n\n: keep-alive\n\n'], events: [], tail: '' },
    { name: 'no event name is a message', chunks: ['data: x\n\n'], events: [{ type: 'message', data: 'x' }], tail: '' },
    { name: 'multi-line data joined by newlines', chunks: ['event: status\ndata: a\ndata: b\n\n'], events: [{ type: 'status', data: 'a\nb' }], tail: '' },
    { name: 'CRLF line ends', chunks: ['event: plan\r\ndata: 1\r\n\r\n'], events: [{ type: 'plan', data: '1' }], tail: '' },
    { name: 'an unfinished event waits for its blank line', chunks: ['event: plan\ndata: 1\n\nevent: plan\ndata: 2\n'], events: [{ type: 'plan', data: '1' }], tail: 'event: plan\ndata: 2\n' },
    { name: 'no space after the colon', chunks: ['event:plan\ndata:3\n\n'], events: [{ type: 'plan', data: '3' }], tail: '' },
  ])('$name', ({ chunks, events, tail }) => {
    expect(feed(chunks)).toEqual({ events, tail });
  });
});
