import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../../controller/store/errors.js';
import { storeAt } from './fixture.js';

/** Loopback servers that misbehave the ways an unreachable store does. */
const servers: Server[] = [];
const sockets = new Set<Socket>();

async function listen(server: Server): Promise<string> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const endpoints: Record<string, string> = {};
beforeAll(async () => {
  // A port nobody listens on: take a free one and give it back.
  const closed = createServer();
  endpoints.refused = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  servers.splice(servers.indexOf(closed), 1);
  // Accepts the connection and never answers.
  endpoints.hang = await listen(createServer(() => undefined));
  // Accepts and drops the connection.
  endpoints.reset = await listen(createServer((socket) => socket.destroy()));
  // Answers every request with a DynamoDB internal error.
  endpoints.serverError = await listen(
    createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'InternalServerError' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' }));
      });
    }),
  );
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Fails the test with a clear message instead of hanging if the store never gives up. */
function withinGuard<T>(promise: Promise<T>, guardMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`store call still pending after ${guardMs}ms: it hangs`)), guardMs);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

describe('store unreachable', () => {
  it.each([
    { name: 'connection refused', endpoint: 'refused' },
    { name: 'server never answers', endpoint: 'hang' },
    { name: 'connection dropped', endpoint: 'reset' },
    { name: 'HTTP 500 InternalServerError', endpoint: 'serverError' },
  ])('$name -> a transient StoreUnavailableError, never a hang', async ({ endpoint }) => {
    const store = storeAt(endpoints[endpoint] ?? '', 'unreachable', { connectTimeoutMs: 200, requestTimeoutMs: 300, callTimeoutMs: 1000 });
    try {
      for (const call of [() => store.lease.acquire('a', 1000, 0), () => store.audit.append({ at: 1, actor: 'a', action: 'x', phase: 'intent', details: {} })]) {
        const error = await withinGuard(call().catch((e: unknown) => e));
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).transient).toBe(true);
        expect((error as StoreUnavailableError).context).toMatchObject({ table: 'fcp-state-test' });
      }
    } finally {
      store.close();
    }
  });
});
