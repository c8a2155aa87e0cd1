import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { IamGate } from '../iam/gate.js';
import { closeServer, listen } from '../setup/listen.js';
import { dynamoIamProxy } from './iam-proxy.js';

export interface EmbeddedStoreOptions {
  host: string;
  /** 0 picks a free port on the first start; every restart reuses the bound port. */
  port: number;
  /** Where LevelDB keeps the tables, so data survives a restart. */
  dataDir: string;
  /** IAM: each request is evaluated against its caller's policy before dynalite sees it. */
  iam?: { gate: IamGate; account: string };
}

/**
 * The sandbox's DynamoDB: dynalite on loopback, persisted under a data directory. It can go down
 * (clients get connection refused) and come back on the same port with its data. With `iam`,
 * clients reach dynalite through an IAM front (`iam-proxy.ts`), and going down closes the front.
 */
export class EmbeddedStore {
  private readonly backend: Server;
  /** What clients connect to: the IAM front, or dynalite itself. */
  private readonly front: Server;
  private port: number;
  private running = false;

  constructor(private readonly options: EmbeddedStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    // Tables become ACTIVE quickly so a controller's first start does not wait on CREATING.
    this.backend = dynalite({ path: options.dataDir, createTableMs: 50, deleteTableMs: 50, updateTableMs: 50 });
    const iam = options.iam;
    this.front = iam
      ? createServer(dynamoIamProxy({ iam: iam.gate, account: iam.account, backend: () => `http://127.0.0.1:${(this.backend.address() as AddressInfo).port}` }))
      : this.backend;
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
    if (this.front !== this.backend && !this.backend.listening) await listen(this.backend, '127.0.0.1', 0, 'dynamodb (behind its IAM front)');
    await listen(this.front, this.options.host, this.port, 'dynamodb');
    this.port = (this.front.address() as AddressInfo).port;
    this.running = true;
  }

  /** Stops listening and drops open connections; the data stays on disk. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await closeServer(this.front);
  }

  /** Stops for good: the front and dynalite behind it. */
  async close(): Promise<void> {
    await this.stop();
    await closeServer(this.backend);
  }
}
