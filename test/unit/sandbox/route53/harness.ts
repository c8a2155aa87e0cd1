import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Route53Client } from '@aws-sdk/client-route-53';
import { createRoute53Emulator } from '../../../../sandbox/route53/index.js';
import type { Route53Emulator, Route53EmulatorOptions } from '../../../../sandbox/route53/index.js';

export interface Harness {
  emulator: Route53Emulator;
  client: Route53Client;
  endpoint: string;
  close(): Promise<void>;
}

/** A Route 53 emulator on a free loopback port with a real SDK client pointed at it (no retries). */
export async function startRoute53(options: Route53EmulatorOptions = {}, accessKeyId = 'SANDBOX-us-east-1'): Promise<Harness> {
  const emulator = createRoute53Emulator({ propagationDelayMs: 0, throttle: false, ...options });
  const server: Server = createServer(emulator.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = route53Client(endpoint, accessKeyId);
  return {
    emulator,
    client,
    endpoint,
    close: async () => {
      client.destroy();
      emulator.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function route53Client(endpoint: string, accessKeyId = 'SANDBOX-us-east-1', requestTimeout = 2000): Route53Client {
  return new Route53Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'sandbox-secret' },
    maxAttempts: 1,
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
    requestHandler: { requestTimeout, connectionTimeout: 1000, throwOnRequestTimeout: true },
  });
}

/** Polls `probe` until it returns true or the deadline passes. */
export async function eventually(probe: () => boolean | Promise<boolean>, deadlineMs = 5000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
