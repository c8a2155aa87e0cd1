import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { closeServer, listen } from '../world/listen.js';

export interface EmbeddedStoreOptions {
  host: string;
  /** 0 picks a free port on the first start; every restart reuses the bound port. */
  port: number;
  /** Where LevelDB keeps the tables, so data survives a restart. */
  dataDir: string;
}

/**
 * The sandbox's DynamoDB: dynalite on loopback, persisted under a data directory. It can go down
 * (clients get connection refused) and come back on the same port with its data.
 */
export class EmbeddedStore {
  private readonly server: Server;
  private port: number;
  private running = false;

  constructor(private readonly options: EmbeddedStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    // Tables become ACTIVE quickly so a controller's first start does not wait on CREATING.
    this.server = dynalite({ path: options.dataDir, createTableMs: 50, deleteTableMs: 50, updateTableMs: 50 });
    this.port = options.port;
  }

  get url(): string {
    return `http://${this.options.host}:${this.port}`;
  }

  get up(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await listen(this.server, this.options.host, this.port, 'dynamodb');
    this.port = (this.server.address() as AddressInfo).port;
    this.running = true;
  }

  /** Stops listening and drops open connections; the data stays on disk. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await closeServer(this.server);
  }
}
