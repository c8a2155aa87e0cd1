import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fcp, resetCliAfterEach } from '../../cli/in-process.js';
import { rawControls, startApiFixture, TOKENS, twoPersonConfig, type ApiFixture, type ApiHarness } from './fixture.js';

/** The `fcp` CLI through a replica's API, as an operator runs it: what it sends and what it prints. */

resetCliAfterEach();
let fixture: ApiFixture;
let api: ApiHarness;
let url: string;
beforeAll(async () => {
  fixture = await startApiFixture();
  api = await fixture.build({ config: twoPersonConfig() });
  url = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await fixture.close();
});
afterEach(() => {
  delete process.env.FCP_TOKEN;
});

const as = async (token: string, ...args: string[]) => {
  process.env.FCP_TOKEN = token;
  return fcp(...args, '--api', url);
};

// What someone who can write to the store (or a record from before the API refused it) could leave.
const FORGED = 'INC-7\u001b[1A\u001b[2K\r#99 2030-01-01T00:00:00.000Z demo-approver api/requests/:id/approve intent: ok \u202Edesrever\u0007';

describe('what fcp prints is escaped', () => {
  it('fcp audit shows control and bidirectional characters of stored records as <U+XXXX>, one record a line', async () => {
    await api.store.audit.append({ at: api.clock.now, actor: 'store-writer', action: 'api/pause', phase: 'intent', details: { reason: FORGED } });
    const shown = await as(TOKENS.viewer, 'audit', '--limit', '5');
    expect(shown.code, shown.stderr).toBe(0);
    expect(rawControls(shown.stdout)).toEqual([]);
    expect(shown.stdout).toContain('INC-7<U+001B>[1A<U+001B>[2K<U+000D>#99');
    expect(shown.stdout).toContain('<U+202E>desrever<U+0007>');
    expect(shown.stdout.trim().split('\n')).toHaveLength(await api.store.audit.readAll().then((r) => Math.min(r.length, 5)));
  });

  it('fcp audit shows what a call did on its result line', async () => {
    await api.app.inject({ method: 'POST', url: '/v1/pause', headers: { authorization: `Bearer ${TOKENS.operator}`, 'idempotency-key': `cli-result-${process.pid}` }, payload: { reason: 'maintenance' } });
    const shown = await as(TOKENS.viewer, 'audit', '--limit', '2');
    // Newest first: the result, then the intent.
    expect(shown.stdout).toMatch(/demo-operator api\/pause result: 202: command pause-\S+ \(pause\) pending\n.* demo-operator api\/pause intent: maintenance\n$/);
  });

  it('fcp requests escapes the reason and names of a stored request', async () => {
    await api.store.requests.create({
      id: 'request-forged-1',
      command: { kind: 'failover', id: 'request-forged-1', to: 'us-west-2', reason: FORGED, actor: 'demo-operator', force: false, at: api.clock.now },
      requestedBy: 'demo-operator',
      createdAt: api.clock.now,
      expiresAt: api.clock.now + 60_000,
      status: 'pending',
    });
    const listed = await as(TOKENS.viewer, 'requests');
    expect(listed.code, listed.stderr).toBe(0);
    expect(rawControls(listed.stdout)).toEqual([]);
    expect(listed.stdout).toContain('request-forged-1 pending  failover by demo-operator');
    expect(listed.stdout).toContain('<U+001B>[1A');
  });
});

describe('the CLI refuses bad operator text before sending it', () => {
  it.each([
    { args: ['pause', '--reason', 'maintenance\u001b[2K'], option: '--reason', problem: /U\+001B/ },
    { args: ['failover', '--to', 'us-west-2', '--reason', 'ok\rforged'], option: '--reason', problem: /U\+000D/ },
    { args: ['switchover', '--to', 'us-west-2', '--reason', '\u200b\u200c'], option: '--reason', problem: /nothing visible/ },
    { args: ['reject', 'request-forged-1', '--reason', 'no \u202Eok'], option: '--reason', problem: /U\+202E/ },
    { args: ['approve', 'request-forged-1', '--note', 'ok\u009b2J'], option: '--note', problem: /U\+009B/ },
  ])('$args.0 with $problem: exit 2 naming $option, nothing sent', async ({ args, option, problem }) => {
    const before = (await api.store.audit.readAll()).length;
    const open = (await api.store.commands.listOpen()).length;
    const result = await as(TOKENS.approver, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').some((line) => line.includes(`${option}: `) && problem.test(line))).toBe(true);
    expect((await api.store.audit.readAll()).length).toBe(before);
    expect(await api.store.commands.listOpen()).toHaveLength(open);
  });
});
