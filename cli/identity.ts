import { userInfo } from 'node:os';
import { callerIdentity } from '../controller/aws/identity.js';
import type { Config } from '../controller/config/schema.js';
import { describeError, FcpError } from '../kernel/errors.js';
import { buildProviders } from '../controller/wiring.js';

/**
 * Who runs a store-direct command, for the audit trail: the principal of the AWS credentials in use,
 * as STS says it (in the sandbox, its emulated STS answers for the sandbox credentials). Never a
 * name typed on the command line.
 */
export async function verifiedIdentity(config: Config, region: string): Promise<string> {
  const providers = buildProviders(config, { replicaRegion: region });
  try {
    return await callerIdentity(providers.caller, region, { deadlineAt: Date.now() + 2 * config.aws.requestTimeout });
  } catch (error) {
    throw new FcpError(`cannot verify who is running this command (STS GetCallerIdentity in ${region}: ${describeError(error)}); the audit trail needs a verified identity. Try another --region, or go through a replica's API (--api)`, { cause: error, transient: true });
  } finally {
    await providers.close();
  }
}

/**
 * Break-glass must work when STS does not: the identity is then the OS user, marked unverified, so
 * the audit trail says exactly how much it knows.
 */
export async function bestKnownIdentity(config: Config, region: string): Promise<string> {
  return verifiedIdentity(config, region).catch((error: unknown) => `unverified:user/${userInfo().username} (${error instanceof Error ? error.message.split(';')[0] : String(error)})`);
}
