import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../controller/config/load.js';
import { InputError } from '../../../../kernel/errors.js';
import { openStateStore } from '../../../../controller/store/from-config.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const sandbox = () => loadConfig('examples/sandbox.yaml');

describe('openStateStore', () => {
  it('opens the embedded store of the sandbox config at a given endpoint, namespaced by the deployment name', async () => {
    const config = sandbox();
    const store = openStateStore({ ...config, store: { ...config.store, tableName: 'fcp-state-test' } }, { region: 'us-west-2', endpoint: fixture.dynamo.endpoint });
    try {
      expect(store.namespace).toBe('auth-sandbox');
      const result = await store.lease.acquire('us-west-2', config.store.leaseTtl, 0);
      expect(result.acquired).toBe(true);
    } finally {
      store.close();
    }
  });

  it('asks for an endpoint when the embedded store has none', () => {
    const config = sandbox();
    const withoutEndpoint = { ...config, aws: { ...config.aws, endpoints: { ...config.aws.endpoints, dynamodb: undefined } } };
    const error = (() => {
      try {
        return openStateStore(withoutEndpoint, { region: 'us-east-1' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]).toMatch(/^aws\.endpoints\.dynamodb/);
  });
});
