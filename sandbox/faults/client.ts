import { FcpError, InputError } from '../../kernel/errors.js';
import type { ActiveFault } from './registry.js';

/** The fault API could not be reached or answered something unexpected. */
export class FaultApiError extends FcpError {}

/** A client of the sandbox's fault API (`fcp sandbox fault`, drills, tests). Every call has a deadline. */
export class FaultApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 3000,
  ) {}

  /** Activates a fault; a request the sandbox refuses throws InputError with its problems. */
  add(request: Record<string, unknown>): Promise<ActiveFault> {
    return this.call('POST', '/faults', request) as Promise<ActiveFault>;
  }

  async list(): Promise<ActiveFault[]> {
    return ((await this.call('GET', '/faults')) as { faults: ActiveFault[] }).faults;
  }

  async clear(): Promise<number> {
    return ((await this.call('DELETE', '/faults')) as { cleared: number }).cleared;
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  stats(): Promise<Record<string, unknown>> {
    return this.call('GET', '/stats') as Promise<Record<string, unknown>>;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new FaultApiError(`cannot reach the sandbox fault API at ${this.baseUrl}; is \`fcp sandbox up\` running?`, { cause, transient: true });
    }
    const text = await response.text();
    let parsed: { error?: string; problems?: string[] } & Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (cause) {
      throw new FaultApiError(`the fault API at ${url} answered ${response.status} with a body that is not JSON`, { cause });
    }
    if (response.status === 400) throw new InputError(parsed.error ?? 'the sandbox refused the fault request', parsed.problems ?? []);
    if (response.status === 404 && method === 'DELETE') throw new InputError(parsed.error ?? 'no such fault', [`id: ${parsed.error ?? 'no such fault'}`]);
    if (!response.ok) throw new FaultApiError(`${method} ${url}: ${response.status} ${parsed.error ?? ''}`.trim(), { context: { status: response.status } });
    return parsed;
  }
}
