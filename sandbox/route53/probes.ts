import { STATUS_CODES, request } from 'node:http';
import { connect } from 'node:net';
import type { HealthCheckConfig } from './health-check-config.js';

export interface ProbeResult {
  passed: boolean;
  /** Route 53's wording: `Success: HTTP Status Code 200, OK`, `Failure: Connection timed out...`. */
  status: string;
}

/** Route 53 reads at most this much of the body when looking for a SearchString. */
const SEARCH_WINDOW_BYTES = 5120;

const TIMED_OUT = 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.';

function failure(error: unknown, signal: AbortSignal): ProbeResult {
  if (signal.aborted) return { passed: false, status: TIMED_OUT };
  const code = (error as NodeJS.ErrnoException).code;
  return { passed: false, status: `Failure: ${code === 'ECONNREFUSED' ? 'Connection refused' : `Connection failed (${code ?? String(error)})`}.` };
}

/**
 * One HTTP(S) check from one checker: a GET of the resource path, passing on 2xx/3xx (and, for
 * *_STR_MATCH, when the body's first 5,120 bytes hold the search string). The sandbox is plain
 * HTTP, so HTTPS checks speak HTTP to the configured port. `vantage` goes out as `x-fcp-vantage`
 * so the fault registry can cut one checker region off from one app.
 */
function probeHttp(config: HealthCheckConfig, vantage: string, signal: AbortSignal): Promise<ProbeResult> {
  const host = config.ipAddress ?? config.fullyQualifiedDomainName ?? '';
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port: config.port,
        path: config.resourcePath ?? '/',
        method: 'GET',
        headers: { host: config.fullyQualifiedDomainName ?? host, 'user-agent': 'Amazon-Route53-Health-Check-Service', 'x-fcp-vantage': vantage },
        signal,
        agent: false,
      },
      (res) => {
        const code = res.statusCode ?? 0;
        const statusText = `HTTP Status Code ${code}, ${STATUS_CODES[code] ?? 'Unknown'}`;
        const answered = code >= 200 && code < 400;
        if (!answered || config.searchString === undefined) {
          res.destroy();
          resolve({ passed: answered, status: `${answered ? 'Success' : 'Failure'}: ${statusText}` });
          return;
        }
        const search = config.searchString;
        let body = '';
        const finish = (): void => {
          res.destroy();
          const found = body.slice(0, SEARCH_WINDOW_BYTES).includes(search);
          resolve({ passed: found, status: found ? `Success: ${statusText}` : `Failure: ${statusText}. Search string "${search}" not found` });
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length >= SEARCH_WINDOW_BYTES) finish();
        });
        res.on('end', finish);
        res.on('error', (error) => resolve(failure(error, signal)));
      },
    );
    req.on('error', (error) => resolve(failure(error, signal)));
    req.end();
  });
}

/** One TCP check from one checker: the connection opens within the timeout. */
function probeTcp(config: HealthCheckConfig, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: config.ipAddress ?? config.fullyQualifiedDomainName ?? '', port: config.port ?? 0, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ passed: true, status: 'Success: TCP connection established' });
    });
    socket.once('error', (error) => resolve(failure(error, signal)));
  });
}

/** Probes an endpoint check's target once; `signal` bounds it (timeout or shutdown). Never rejects. */
export function probeEndpoint(config: HealthCheckConfig, vantage: string, signal: AbortSignal): Promise<ProbeResult> {
  return config.type === 'TCP' ? probeTcp(config, signal) : probeHttp(config, vantage, signal);
}
