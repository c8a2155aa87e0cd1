import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../../controller/api/client.js';
import { FcpError, InputError, RefusedError } from '../../../../kernel/errors.js';
import { startApiFixture, TOKENS, type ApiFixture } from './fixture.js';

let fixture: ApiFixture;
let url: string;
beforeAll(async () => {
  fixture = await startApiFixture();
  const api = await fixture.build();
  url = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await fixture.close();
});

describe('ApiClient', () => {
  it('reads with the token and posts with an Idempotency-Key', async () => {
    const client = new ApiClient({ baseUrl: `${url}/`, token: TOKENS.operator });
    expect(await client.get<{ topology: { primary: string } }>('/v1/status')).toMatchObject({ topology: { primary: 'us-east-1' } });
    const first = await client.post<{ command: { command: { id: string } } }>('/v1/pause', { reason: 'x' }, 'client-key-1');
    const replay = await client.post<{ command: { command: { id: string } } }>('/v1/pause', { reason: 'x' }, 'client-key-1');
    expect(replay.command.command.id).toBe(first.command.command.id);
  });

  it.each([
    { name: 'a bad token (401)', token: 'wrong', call: (c: ApiClient) => c.get('/v1/status'), error: InputError },
    { name: 'too small a role (403)', token: TOKENS.viewer, call: (c: ApiClient) => c.post('/v1/pause', { reason: 'x' }), error: RefusedError },
    { name: 'bad input (400), with the problems', token: TOKENS.operator, call: (c: ApiClient) => c.post('/v1/failover', { to: 'ap-south-1', reason: 'x' }), error: InputError },
  ])('$name becomes the CLI error for it', async ({ token, call, error }) => {
    await expect(call(new ApiClient({ baseUrl: url, token }))).rejects.toBeInstanceOf(error);
  });

  it('an API that does not answer in time, or at all, is a transient error', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const error = await new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 200 }).get('/v1/status').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FcpError);
      expect((error as FcpError).transient).toBe(true);
    } finally {
      silent.close();
    }
    const refused = await new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 2000 }).get('/v1/status').catch((e: unknown) => e);
    expect((refused as FcpError).transient).toBe(true);
  });

  it('refuses a body the replica would refuse without sending it, naming the option', async () => {
    // Nothing listens there: only a call would fail differently.
    const client = new ApiClient({ baseUrl: 'http://127.0.0.1:9', token: TOKENS.operator, timeoutMs: 2000 });
    const error = await client.post('/v1/requests/r-1/reject', { reason: 'no\u001b[2K' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toEqual([expect.stringMatching(/^--reason: contains the control character U\+001B/)]);
  });

  it('refuses a missing token or a bad URL before any call', () => {
    expect(() => new ApiClient({ baseUrl: url, token: '' })).toThrow(/FCP_TOKEN/);
    expect(() => new ApiClient({ baseUrl: 'localhost:7101', token: 't' })).toThrow(InputError);
  });
});
