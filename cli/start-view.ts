import type { ActiveFault } from '../sandbox/faults/registry.js';
import { formatDuration } from '../kernel/time.js';
import type { Decision } from '../controller/domain/types.js';
import type { ExecutorEvent } from '../controller/executor/executor.js';
import { forTerminal } from './terminal.js';

/** How often the one-line reminder of the dashboards is printed when nothing else is. */
const FOOTER_EVERY_MS = 5 * 60_000;

const clock = (at: number) => new Date(at).toISOString().slice(11, 19);

/**
 * `fcp start` on a terminal: one line per decision that says something new, per plan step and per
 * fault, instead of every tick's log (which goes to a file). The banner (dashboards, what to try)
 * is printed at start, again on Enter, and as a one-line footer now and then.
 */
export class StartView {
  private lastReason = new Map<string, string>();
  private footer: NodeJS.Timeout | undefined;
  /** Active faults by id, with the words that describe them. */
  private faults = new Map<string, string>();

  constructor(
    private readonly banner: string,
    private readonly footerLine: string,
    private readonly write: (text: string) => void,
  ) {}

  start(input: NodeJS.ReadableStream | undefined): void {
    this.write(this.banner);
    this.footer = setInterval(() => this.write(`${this.footerLine}\n`), FOOTER_EVERY_MS);
    this.footer.unref();
    input?.on('data', () => this.write(this.banner));
  }

  stop(): void {
    clearInterval(this.footer);
  }

  /** A decision is shown when it differs from the replica's previous one (timers aside). */
  onDecision(region: string, decision: Decision): void {
    const gist = `${decision.kind}:${decision.reason.replace(/\d+(\.\d+)?(ms|s|m|h)?/g, '#')}`;
    if (this.lastReason.get(region) === gist) return;
    this.lastReason.set(region, gist);
    this.line(decision.at, region, decision.kind === 'none' ? 'status' : decision.kind, decision.reason);
  }

  onExecutorEvent(region: string, event: ExecutorEvent): void {
    if (event.type === 'plan-start') this.line(event.at, region, event.resumed ? 'resumed' : 'plan', `${event.plan.id}: ${event.plan.operation} ${event.plan.from} -> ${event.plan.to}`);
    if (event.type === 'step-end') {
      const failed = event.outcome.status === 'failed' ? ` (${event.outcome.error})` : '';
      this.line(event.at, region, 'step', `${event.planId} ${event.step.index} ${event.step.kind}: ${event.outcome.status} in ${formatDuration(event.ms)}${failed}`);
    }
    if (event.type === 'plan-end') this.line(event.at, region, 'plan', `${event.planId} ${event.ok ? 'succeeded' : `failed: ${event.error ?? ''}`} in ${formatDuration(event.ms)}`);
    if (event.type === 'plan-stopped') this.line(event.at, region, 'stopped', `${event.planId}: ${event.reason}`);
  }

  /** The sandbox's active faults: a line when one begins or ends. */
  onFaults(active: readonly ActiveFault[]): void {
    const now = new Map(active.map((f) => [f.id, `${f.kind}${describe(f)}`]));
    for (const [id, words] of now) if (!this.faults.has(id)) this.line(Date.now(), 'sandbox', 'fault', `${words} begins`);
    for (const [id, words] of this.faults) if (!now.has(id)) this.line(Date.now(), 'sandbox', 'fault', `${words} ended`);
    this.faults = now;
  }

  private line(at: number, who: string, what: string, text: string): void {
    this.write(`${clock(at)} ${who.padEnd(10)} ${what.padEnd(8)} ${forTerminal(text)}\n`);
  }
}

function describe(fault: ActiveFault): string {
  const where = 'region' in fault && fault.region ? ` in ${fault.region}` : '';
  return `${where} (id ${fault.id})`;
}
