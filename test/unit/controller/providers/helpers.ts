import { AwsCaller } from '../../../../controller/aws/caller.js';
import { AwsClients } from '../../../../controller/aws/clients.js';
import type { Config } from '../../../../controller/config/schema.js';
import { FakeClock, seededRandom } from '../aws/helpers.js';

/** AWS settings that never reach a network: every client's `send` is mocked by aws-sdk-client-mock. */
export const offlineAws: Config['aws'] = {
  endpoints: {},
  credentials: { mode: 'static', accessKeyIdPrefix: 'UNIT-', secretAccessKey: 'unit' },
  connectTimeout: 100,
  requestTimeout: 200,
  retry: { base: 10, cap: 100, maxAttempts: 3 },
};

/** A caller on a fake clock: backoff waits and polls take no real time. */
export function offlineCaller(clock = new FakeClock()): { caller: AwsCaller; clock: FakeClock } {
  const caller = new AwsCaller({ clients: new AwsClients(offlineAws, 'us-east-1'), policy: offlineAws.retry, requestTimeout: 200, clock, random: seededRandom(5) });
  return { caller, clock };
}
