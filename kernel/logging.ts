import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line: credentials and bearer tokens. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'secretAccessKey',
  '*.secretAccessKey',
  'credentials',
  '*.credentials',
];

/**
 * Structured logs (JSON, one object a line) for machines; pretty, coloured lines when a person
 * watches a terminal. Secrets are redacted at the source.
 */
export function createLogger(options: { name: string; level?: string; pretty?: boolean; destination?: pino.DestinationStream; file?: string }): Logger {
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  const base = { name: options.name, level: options.level ?? process.env.FCP_LOG_LEVEL ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.file) return pino(base, pino.destination({ dest: options.file, mkdir: true, sync: false }));
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return pino(base);
}
