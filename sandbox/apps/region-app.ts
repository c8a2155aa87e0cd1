import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../../kernel/errors.js';
import type { FaultView } from '../shared/faults.js';
import { SerialQueue } from '../shared/serial.js';
import type { LookupType } from '../net/resolver.js';
import { closeServer, listen } from '../setup/listen.js';
import type { SessionStore } from './session-store.js';

export const REGION_HEADER = 'x-fcp-region';
export const VANTAGE_HEADER = 'x-fcp-vantage';
/** The key a health check reads: proof that the reader answers, whatever it holds. */
const HEALTH_KEY = '__health';
const MAX_BODY_BYTES = 16 * 1024;

export interface RegionAppOptions {
  region: string;
  host: string;
  /** 0 picks a free port on the first start; restarts (after region-down) reuse the bound port. */
  port: number;
  /** Paths answered as health checks (the services' health URLs), e.g. `/health`. */
  healthPaths: readonly string[];
  /** The DB endpoint records: writes go through `writer`, reads through this region's `reader`. */
  names: { writer: string; reader: string };
  resolver: { resolve(name: string, type: LookupType): Promise<string[]> };
  db: SessionStore;
  faults: FaultView;
}

/**
 * One region's demo service: `GET <health path>`, `POST /session`, `GET /session/:id`. Every
 * response names the serving region (`x-fcp-region`). Region down closes its listener (clients
 * get connection refused) until the fault clears; other faults apply per request.
 */
export class RegionApp {
  private readonly server: Server;
  private port: number;
  private wanted = false;
  private readonly transitions = new SerialQueue();

  constructor(private readonly options: RegionAppOptions) {
    this.port = options.port;
    this.server = createServer((req, res) => {
      void this.serve(req, res).catch((error: unknown) => this.reply(res, 500, { error: describeError(error) }));
    });
  }

  get url(): string {
    return `http://${this.options.host}:${this.port}`;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  async start(): Promise<void> {
    this.wanted = true;
    await this.reconcile();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.enqueue(() => closeServer(this.server));
  }

  /** Follows the registry: closed while the region is down, listening otherwise. */
  reconcile(): Promise<void> {
    return this.enqueue(async () => {
      const down = this.options.faults.regionDown(this.options.region);
      if (down && this.server.listening) await closeServer(this.server);
      else if (!down && this.wanted && !this.server.listening) await this.bind();
    });
  }

  private async bind(): Promise<void> {
    await listen(this.server, this.options.host, this.port, `${this.options.region} app`);
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Listener changes run one at a time, in order. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    return this.transitions.run(step);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const vantage = req.headers[VANTAGE_HEADER];
    const fault = this.options.faults.appFault(this.options.region, Array.isArray(vantage) ? vantage[0] : vantage);
    if (fault?.kind === 'down') {
      req.socket.destroy(); // no route: the client sees its connection reset
      return;
    }
    if (fault?.kind === 'hang') return; // accepted, never answered; the socket closes with the server
    if (fault?.kind === 'status') {
      this.reply(res, fault.status, { error: fault.status === 429 ? 'rate limited' : 'internal error (injected)' });
      return;
    }
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));

    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && this.options.healthPaths.includes(path)) return this.health(res);
    if (method === 'POST' && path === '/session') return this.createSession(req, res);
    const session = /^\/session\/([^/]+)$/.exec(path);
    if (method === 'GET' && session) return this.readSession(res, decodeURIComponent(session[1] ?? ''));
    this.reply(res, 404, { error: `no route ${method} ${path}` });
  }

  private async health(res: ServerResponse): Promise<void> {
    const endpoint = await this.endpointOf(this.options.names.reader, res);
    if (!endpoint) return;
    try {
      await this.options.db.read(endpoint, HEALTH_KEY);
      this.reply(res, 200, { status: 'ok', reader: endpoint });
    } catch (error) {
      this.reply(res, 503, { error: `reader ${endpoint} unreachable: ${describeError(error)}` });
    }
  }

  private async createSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return this.reply(res, 400, { error: `body: send at most ${MAX_BODY_BYTES} bytes` });
    const endpoint = await this.endpointOf(this.options.names.writer, res);
    if (!endpoint) return;
    const id = randomUUID();
    const value = JSON.stringify({ data: body, region: this.options.region, at: Date.now() });
    let outcome: Awaited<ReturnType<SessionStore['write']>>;
    try {
      outcome = await this.options.db.write(endpoint, `session/${id}`, value);
    } catch (error) {
      return this.reply(res, 503, { error: `writer ${endpoint} unreachable: ${describeError(error)}` });
    }
    if (!outcome.ok) return this.reply(res, 503, { error: `read-only: ${outcome.reason}`, writer: endpoint });
    this.reply(res, 201, { id });
  }

  private async readSession(res: ServerResponse, id: string): Promise<void> {
    const endpoint = await this.endpointOf(this.options.names.reader, res);
    if (!endpoint) return;
    let value: string | undefined;
    try {
      value = await this.options.db.read(endpoint, `session/${id}`);
    } catch (error) {
      return this.reply(res, 503, { error: `reader ${endpoint} unreachable: ${describeError(error)}` });
    }
    if (value === undefined) return this.reply(res, 404, { error: `no session ${id}` });
    this.reply(res, 200, { id, session: JSON.parse(value) as unknown });
  }

  /** The cluster endpoint a DB record points at, resolved through DNS; answers 503 itself on failure. */
  private async endpointOf(name: string, res: ServerResponse): Promise<string | undefined> {
    if (this.options.faults.databaseCut(this.options.region)) {
      this.reply(res, 503, { error: `cannot reach the database from ${this.options.region}: no route (db-cut)` });
      return undefined;
    }
    try {
      const [target] = await this.options.resolver.resolve(name, 'CNAME');
      return target;
    } catch (error) {
      this.reply(res, 503, { error: `cannot resolve ${name}: ${describeError(error)}` });
      return undefined;
    }
  }

  private reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify({ region: this.options.region, ...body });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), [REGION_HEADER]: this.options.region });
    res.end(text);
  }
}

/** The request body as text; undefined when it is too large. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
