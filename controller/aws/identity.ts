import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RegionName } from '../domain/types.js';
import { FcpError } from '../../kernel/errors.js';
import type { StepBudget } from '../ports.js';
import type { AwsCaller } from './caller.js';

/**
 * Who the credentials in use belong to, as AWS says it (STS GetCallerIdentity, in `region`: STS is
 * regional, so this works while another region's STS is down). The principal's ARN.
 */
export async function callerIdentity(caller: AwsCaller, region: RegionName, budget: StepBudget): Promise<string> {
  const identity = await caller.call(
    { service: 'sts', operation: 'GetCallerIdentity', region },
    (clients, signal) => clients.sts().send(new GetCallerIdentityCommand({}), { abortSignal: signal }),
    budget,
  );
  if (!identity.Arn) throw new FcpError('STS answered GetCallerIdentity without an ARN');
  return identity.Arn;
}
