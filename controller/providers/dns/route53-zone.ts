import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53';
import type { AwsCaller } from '../../aws/caller.js';
import { ROUTE53_CONTROL_REGION } from '../../aws/clients.js';
import { UnexpectedAnswerError } from '../../aws/errors.js';
import { TimeoutError } from '../../../kernel/errors.js';
import type { Millis } from '../../../kernel/time.js';
import type { StepBudget } from '../../ports.js';

/** Route 53 answers names with a trailing dot and in lower case; config names have neither. */
export function sameDnsName(a: string | undefined, b: string): boolean {
  return a !== undefined && a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
}

/**
 * One hosted zone, as the adapters use it: read the record sets of one name and type, submit a
 * change batch, and wait until Route 53 reports it INSYNC on every authoritative server.
 */
export class Route53Zone {
  /** Changes this zone submitted and has not yet seen INSYNC (a wait that timed out). */
  private readonly pending = new Set<string>();

  constructor(
    private readonly caller: AwsCaller,
    readonly hostedZoneId: string,
    /** How often GetChange is polled; Route 53's account-wide bucket refills 10/s, so 1 s is gentle. */
    private readonly pollInterval: Millis = 1000,
  ) {}

  /** Every record set with exactly this name and type (all set identifiers), following pagination. */
  async recordSets(name: string, type: RRType, budget: StepBudget): Promise<ResourceRecordSet[]> {
    const found: ResourceRecordSet[] = [];
    let start: { name: string; type: RRType; identifier?: string } | undefined = { name, type };
    while (start) {
      const from: { name: string; type: RRType; identifier?: string } = start;
      const page = await this.caller.call(
        this.target('ListResourceRecordSets'),
        (clients, signal) =>
          clients.route53().send(
            new ListResourceRecordSetsCommand({
              HostedZoneId: this.hostedZoneId,
              StartRecordName: from.name,
              StartRecordType: from.type,
              ...(from.identifier ? { StartRecordIdentifier: from.identifier } : {}),
            }),
            { abortSignal: signal },
          ),
        budget,
      );
      const matching = (page.ResourceRecordSets ?? []).filter((set) => sameDnsName(set.Name, name) && set.Type === type);
      found.push(...matching);
      // Listing is sorted by name then type: once a page leaves (name, type), nothing further matches.
      const leftTheName = matching.length < (page.ResourceRecordSets ?? []).length;
      start =
        page.IsTruncated && !leftTheName && page.NextRecordName && sameDnsName(page.NextRecordName, name) && page.NextRecordType === type
          ? { name: page.NextRecordName, type, ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}) }
          : undefined;
      // A page must move the listing on; asking for the same start again would loop for ever.
      if (start && start.identifier === from.identifier) {
        throw new UnexpectedAnswerError(`Route 53 listed ${name} ${type} from ${from.identifier ?? 'its first record set'} and the listing did not advance`, {
          context: { hostedZoneId: this.hostedZoneId, name, type, identifier: from.identifier },
        });
      }
    }
    return found;
  }

  /** Submits one atomic change batch; returns the change id to wait on. */
  async change(changes: Change[], comment: string, budget: StepBudget): Promise<string> {
    const answer = await this.caller.call(
      this.target('ChangeResourceRecordSets'),
      (clients, signal) =>
        clients.route53().send(
          new ChangeResourceRecordSetsCommand({ HostedZoneId: this.hostedZoneId, ChangeBatch: { Comment: comment, Changes: changes } }),
          { abortSignal: signal },
        ),
      budget,
    );
    const id = answer.ChangeInfo?.Id;
    if (!id) throw new UnexpectedAnswerError('Route 53 accepted the change but returned no change id to wait on', { context: { hostedZoneId: this.hostedZoneId } });
    this.pending.add(id);
    return id;
  }

  /** Polls GetChange until INSYNC; TimeoutError (transient) when `within` (if given) or the step's deadline passes first. */
  async waitInsync(changeId: string, budget: StepBudget, within?: Millis): Promise<void> {
    const clock = this.caller.clock;
    const until = within === undefined ? budget.deadlineAt : Math.min(clock.now() + within, budget.deadlineAt);
    const pollBudget: StepBudget = { deadlineAt: until, ...(budget.signal ? { signal: budget.signal } : {}) };
    for (;;) {
      const answer = await this.caller.call(
        this.target('GetChange'),
        (clients, signal) => clients.route53().send(new GetChangeCommand({ Id: changeId }), { abortSignal: signal }),
        pollBudget,
      );
      const status = answer.ChangeInfo?.Status;
      if (status === 'INSYNC') {
        this.pending.delete(changeId);
        return;
      }
      const notInsync = () =>
        new TimeoutError(`Route 53 change ${changeId} is still ${status ?? 'unknown'}; it was not INSYNC by its deadline`, {
          context: { changeId, hostedZoneId: this.hostedZoneId, status },
        });
      if (clock.now() + this.pollInterval >= until) throw notInsync();
      await clock.sleep(this.pollInterval, budget.signal).catch(() => {
        throw notInsync();
      });
    }
  }

  /**
   * Waits for the changes this zone submitted whose INSYNC wait timed out, so a step re-run that
   * finds the records already right still ends only once they are served everywhere. Returns their ids.
   */
  async settle(budget: StepBudget, within?: Millis): Promise<string[]> {
    const ids = [...this.pending];
    for (const id of ids) await this.waitInsync(id, budget, within);
    return ids;
  }

  private target(operation: string) {
    return { service: 'route53', operation, region: ROUTE53_CONTROL_REGION } as const;
  }
}
