import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { InputError, describeError } from '../../kernel/errors.js';
import type { FaultRegistry } from './registry.js';

/** Largest request body the fault API reads; fault requests are a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The fault API, as a request listener: `POST /faults`, `GET /faults`, `DELETE /faults`,
 * `DELETE /faults/{id}` and `GET /stats` (whatever `stats()` reports). Bad requests get 400 with
 * `{ error, problems[] }`, each problem naming its field.
 */
export function faultApiHandler(registry: FaultRegistry, stats: () => unknown) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void route(req, res, registry, stats).catch((error: unknown) => {
      if (error instanceof InputError) send(res, 400, { error: error.message, problems: error.problems });
      else send(res, 500, { error: describeError(error) });
    });
  };
}

async function route(req: IncomingMessage, res: ServerResponse, registry: FaultRegistry, stats: () => unknown): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (path === '/faults' && method === 'POST') return send(res, 201, registry.add(await readJson(req)));
  if (path === '/faults' && method === 'GET') return send(res, 200, { faults: registry.list() });
  if (path === '/faults' && method === 'DELETE') return send(res, 200, { cleared: registry.clear() });
  const one = /^\/faults\/([^/]+)$/.exec(path);
  if (one && method === 'DELETE') {
    const id = decodeURIComponent(one[1] ?? '');
    return registry.remove(id) ? send(res, 200, { removed: id }) : send(res, 404, { error: `no active fault with id "${id}"; list them with GET /faults` });
  }
  if (path === '/stats' && method === 'GET') return send(res, 200, stats());
  send(res, 404, { error: `no route ${method} ${path}; use POST|GET|DELETE /faults, DELETE /faults/{id} or GET /stats` });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new InputError('fault request is too large', [`(body): at most ${MAX_BODY_BYTES} bytes`]);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new InputError('fault request is not JSON', ['(body): send a JSON object such as {"kind":"region-down","region":"us-east-1","for":"30s"}'], { cause });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An HTTP server for the fault API with bounded request times. */
export function createFaultApiServer(registry: FaultRegistry, stats: () => unknown): Server {
  const server = createServer(faultApiHandler(registry, stats));
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}
