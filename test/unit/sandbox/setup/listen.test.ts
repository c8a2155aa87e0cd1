import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { closeServer, listen } from '../../../../sandbox/setup/listen.js';

describe('listen', () => {
  it('names the busy port and the part that wanted it', async () => {
    const holder = createServer();
    await listen(holder, '127.0.0.1', 0, 'holder');
    const port = (holder.address() as AddressInfo).port;
    const late = createServer();
    const error = await listen(late, '127.0.0.1', port, 'route53').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`port ${port} on 127.0.0.1 is in use; the sandbox's route53 wanted it`);
    expect(late.listening).toBe(false);
    await closeServer(holder);
    expect(holder.listening).toBe(false);
  });

  it('closes a server that has open keep-alive connections', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 60_000;
    await listen(server, '127.0.0.1', 0, 'app');
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text());
    await closeServer(server); // would wait a minute for the idle connection without closing it
    expect(server.listening).toBe(false);
    await closeServer(server); // closing twice is harmless
  });
});
