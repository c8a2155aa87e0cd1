import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { FcpError } from '../../kernel/errors.js';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations; this is the one function it exports.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

export interface EmbeddedDynamoOptions {
  /** Where the data is persisted (LevelDB); created if missing. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface EmbeddedDynamo {
  /** `http://host:port`, for the DynamoDB client's `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in this process: the embedded store of the sandbox and the tests. */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.dataDir, { recursive: true });
  // Tables are ACTIVE at once: nothing local benefits from waiting.
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new FcpError(`embedded DynamoDB could not listen on ${host}:${options.port ?? 0}: ${error.message}`, {
          cause: error,
          context: { host, port: options.port, dataDir: options.dataDir },
        }),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of clients would otherwise hold the close open.
        server.closeIdleConnections();
      }),
  };
}
