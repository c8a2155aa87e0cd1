/**
 * The project's one error base class. Every error names what went wrong, carries the context an
 * operator needs to act on it, says whether retrying can help, and keeps the underlying `cause`.
 */
export type ErrorContext = Record<string, unknown>;

export interface FcpErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
  /** Transient errors may succeed on retry (throttling, timeouts); terminal ones never will. */
  transient?: boolean;
}

export class FcpError extends Error {
  readonly context: ErrorContext;
  readonly transient: boolean;

  constructor(message: string, options: FcpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
    this.transient = options.transient ?? false;
  }
}

/** A problem with user input (config file, scenario file, CLI arguments). Exit code 2. */
export class InputError extends FcpError {
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [], options: FcpErrorOptions = {}) {
    super(message, options);
    this.problems = problems;
  }
}

/** An outbound call or a step that did not finish within its deadline. Always transient. */
export class TimeoutError extends FcpError {
  constructor(message: string, options: Omit<FcpErrorOptions, 'transient'> = {}) {
    super(message, { ...options, transient: true });
  }
}

/** A request that the guards refused (unhealthy target, cooldown, paused...). Exit code 2. */
export class RefusedError extends FcpError {}

/** Describes any thrown value in one line, following the `cause` chain. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' <- ');
}
