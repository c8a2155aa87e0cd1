import { randomUUID } from 'node:crypto';
import { FcpError, InputError, RefusedError, TimeoutError } from '../../kernel/errors.js';
import { describeIssues, routeFor } from './routes.js';

export interface ApiClientOptions {
  /** A replica's API base URL, e.g. http://127.0.0.1:7101. */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

/** What the API answered with an error status, as the CLI's errors (exit 2 for bad input and refusals). */
function toError(status: number, body: { error?: string; problems?: string[] }, what: string): FcpError {
  const message = body.error ?? `${what}: HTTP ${status}`;
  const problems = body.problems ?? [];
  if (status === 400 || status === 404 || status === 422) return new InputError(message, problems);
  if (status === 401) return new InputError(message, ['FCP_TOKEN: set it to a token configured in api.tokens']);
  if (status === 403 || status === 409) return new RefusedError(message, { context: { status, problems } });
  return new FcpError(message, { transient: status === 429 || status >= 500, context: { status, problems } });
}

/**
 * The controller API as the CLI uses it (`--api URL`, token from FCP_TOKEN). Every call has a
 * timeout and is made once; every mutating call carries an Idempotency-Key (fresh unless the caller
 * passes one), so a caller that retries a change passes the same key and the change happens once.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    if (!/^https?:\/\/[^\s/]+/.test(options.baseUrl)) throw new InputError(`bad API URL "${options.baseUrl}"`, ['--api: an http(s) URL such as http://127.0.0.1:7101 (env FCP_API)']);
    if (!options.token) throw new InputError('no API token: set FCP_TOKEN', ['FCP_TOKEN: set it to your API token (never pass tokens on the command line)']);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return this.call<T>('GET', `${path}${search}`);
  }

  /**
   * Sends a change. A body the replica would refuse (a reason with control characters or nothing
   * visible, say) is refused here first, naming the CLI option (`--reason`), and never sent.
   */
  async post<T>(path: string, body: unknown, idempotencyKey: string = randomUUID()): Promise<T> {
    const schema = routeFor('POST', path.split('?')[0]!)?.body;
    const checked = schema?.safeParse(body);
    if (checked && !checked.success) {
      throw new InputError(`not sent: the input of POST ${path} would be refused`, describeIssues(checked.error, 'body').map((problem) => `--${problem}`));
    }
    return this.call<T>('POST', path, body, idempotencyKey);
  }

  private async call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') throw new TimeoutError(`${method} ${url} did not answer within ${this.timeoutMs}ms`, { cause: error });
      throw new FcpError(`cannot reach the controller API at ${this.baseUrl}: is a replica running there?`, { cause: error, transient: true });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch (error) {
      throw new FcpError(`${method} ${url} answered HTTP ${response.status} with a body that is not JSON`, { cause: error });
    }
    if (!response.ok) throw toError(response.status, parsed as { error?: string; problems?: string[] }, `${method} ${path}`);
    return parsed as T;
  }
}
