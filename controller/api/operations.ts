import { CHANGE_LOOKBACK_MS } from '../changes/notes.js';
import type { Config } from '../config/schema.js';
import { buildPlan, renderPlan } from '../domain/plan.js';
import type { Millis } from '../../kernel/time.js';
import type { Command, DatabaseStatus } from '../domain/types.js';
import { FcpError, type FcpErrorOptions } from '../../kernel/errors.js';
import type { StateStore } from '../store/state-store.js';
import type { ApprovalRequest, FlipCommand } from '../store/api-records.js';
import type { ReplicaStatus } from '../replica/replica.js';
import { dryRun, readSnapshot } from '../status.js';
import type { Principal } from './auth.js';
import type { z } from 'zod';
import type { approveBody, auditQuery, changesQuery, failbackBody, finishChangeBody, flipBody, planQuery, reasonBody, rejectBody, startChangeBody } from './routes.js';

/** An answer the API refuses with: the status code, a message, and problems naming the fields. */
export class ApiError extends FcpError {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems: readonly string[] = [],
    options: FcpErrorOptions = {},
  ) {
    super(message, options);
  }
}

export interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface OperationsDeps {
  config: Config;
  store: StateStore;
  replica: { status(): ReplicaStatus };
  now(): Millis;
  newId(kind: string): string;
  /** The database's status as this replica last read it (for plans); undefined when unknown. */
  readDatabase?(): Promise<DatabaseStatus | undefined>;
}

/** A request is open while pending and inside its approval window. */
export function requestState(request: ApprovalRequest, now: Millis): ApprovalRequest['status'] | 'expired' {
  return request.status === 'pending' && now > request.expiresAt ? 'expired' : request.status;
}

/**
 * What each route does, apart from HTTP: reads answer from the state store, changes enter the
 * lease holder's command queue (directly, or through an approval request under the two-person rule).
 */
export class Operations {
  constructor(private readonly deps: OperationsDeps) {}

  async status(): Promise<Answer> {
    const database = await this.database();
    const snapshot = await readSnapshot(this.deps.store, this.deps.config, this.deps.now(), database);
    return { statusCode: 200, body: { ...snapshot, ...(database && { database }), replica: this.deps.replica.status() } };
  }

  async plan(query: z.output<typeof planQuery>, principal: Principal): Promise<Answer> {
    const to = this.requireRegion(query.to, 'to');
    const now = this.deps.now();
    const database = await this.database();
    const snapshot = await readSnapshot(this.deps.store, this.deps.config, now, database);
    const command: Command = { kind: query.kind, id: this.deps.newId('plan'), to, reason: 'plan preview', actor: principal.name, force: false, at: now };
    const decision = dryRun(snapshot, command, this.deps.config, database);
    if (decision.kind !== 'flip') return { statusCode: 200, body: { decision, text: decision.reason } };
    const plan = buildPlan(decision, this.deps.config);
    return { statusCode: 200, body: { decision, plan, text: renderPlan(plan) } };
  }

  flip(kind: 'failover' | 'switchover', body: z.output<typeof flipBody>, principal: Principal): Promise<Answer> {
    const to = this.requireRegion(body.to, 'to');
    return this.moveThePrimary({ kind, id: this.deps.newId(kind), to, reason: body.reason, actor: principal.name, force: body.force, at: this.deps.now() }, principal);
  }

  failback(body: z.output<typeof failbackBody>, principal: Principal): Promise<Answer> {
    return this.moveThePrimary({ kind: 'failback', id: this.deps.newId('failback'), reason: body.reason, actor: principal.name, force: body.force, at: this.deps.now() }, principal);
  }

  /** One rule for every command that moves the primary or the writer: under the two-person rule it waits for an approver. */
  private async moveThePrimary(command: FlipCommand, principal: Principal): Promise<Answer> {
    const approval = this.deps.config.failover.approval;
    if (!approval.required) return this.submit(command);
    const now = command.at;
    const request: ApprovalRequest = { id: command.id, command, requestedBy: principal.name, createdAt: now, expiresAt: now + approval.window, status: 'pending' };
    await this.deps.store.requests.create(request);
    const target = command.kind === 'failback' ? 'the configured primary' : command.to;
    return { statusCode: 202, body: { request, message: `${command.kind} to ${target} waits for a different approver until ${new Date(request.expiresAt).toISOString()}` } };
  }

  pauseOrResume(kind: 'pause' | 'resume', body: z.output<typeof reasonBody>, principal: Principal): Promise<Answer> {
    return this.submit({ kind, id: this.deps.newId(kind), reason: body.reason, actor: principal.name, at: this.deps.now() });
  }

  async requests(): Promise<Answer> {
    const now = this.deps.now();
    const requests = await this.deps.store.requests.list();
    return { statusCode: 200, body: { requests: requests.map((r) => ({ ...r, state: requestState(r, now) })) } };
  }

  async approve(id: string, body: z.output<typeof approveBody>, principal: Principal): Promise<Answer> {
    const now = this.deps.now();
    const request = await this.openRequest(id, now);
    if (request.requestedBy === principal.name) {
      throw new ApiError(403, 'two-person rule: the requester cannot approve their own request', [`approver: ${principal.name} requested it; another approver must approve`]);
    }
    // One conditional write decides the request and queues its command; a concurrent reject or
    // approve loses with 409, and a rejected request's command can never be taken.
    const { request: decided, command } = await this.deps.store.requests.decide(id, { status: 'approved', decidedBy: principal.name, decidedAt: now, ...(body.note && { note: body.note }) });
    return { statusCode: 202, body: { request: decided, command } };
  }

  async reject(id: string, body: z.output<typeof rejectBody>, principal: Principal): Promise<Answer> {
    const now = this.deps.now();
    await this.openRequest(id, now);
    const { request } = await this.deps.store.requests.decide(id, { status: 'rejected', decidedBy: principal.name, decidedAt: now, note: body.reason });
    return { statusCode: 200, body: { request } };
  }

  async command(id: string): Promise<Answer> {
    const record = await this.deps.store.commands.get(id);
    if (!record) throw new ApiError(404, `no command "${id}"`, [`id: not in the command queue`]);
    const planId = typeof record.result?.planId === 'string' ? record.result.planId : undefined;
    const journal = planId ? await this.deps.store.journal.read(planId) : undefined;
    return { statusCode: 200, body: { command: record, ...(journal && { journal }) } };
  }

  async audit(query: z.output<typeof auditQuery>): Promise<Answer> {
    const records = await this.deps.store.audit.list({ limit: query.limit, ...(query.before !== undefined && { before: query.before }) });
    return { statusCode: 200, body: { records } };
  }

  async startChange(body: z.output<typeof startChangeBody>, principal: Principal): Promise<Answer> {
    body.regions.forEach((name, index) => this.requireRegion(name, `regions[${index}]`));
    const { pr, rollout, ...rest } = body;
    const change = await this.deps.store.changes.start({ ...rest, ...(pr !== undefined && { pr }), ...(rollout !== undefined && { rollout }), startedAt: this.deps.now(), startedBy: principal.name });
    return { statusCode: 201, body: { change, message: `change ${change.id} started: ${body.commit.slice(0, 7)} to ${body.regions.join(', ')} (stack ${body.stack})` } };
  }

  async finishChange(id: string, body: z.output<typeof finishChangeBody>): Promise<Answer> {
    if (!(await this.deps.store.changes.get(id))) throw new ApiError(404, `no change "${id}"`, ['id: see GET /v1/changes']);
    const change = await this.deps.store.changes.finish(id, { at: this.deps.now(), outcome: body.outcome });
    return { statusCode: 200, body: { change } };
  }

  async changes(query: z.output<typeof changesQuery>): Promise<Answer> {
    const changes = await this.deps.store.changes.listSince(query.since ?? this.deps.now() - CHANGE_LOOKBACK_MS);
    return { statusCode: 200, body: { changes } };
  }

  private async submit(command: Command): Promise<Answer> {
    const record = await this.deps.store.commands.submit(command, this.deps.now());
    return { statusCode: 202, body: { command: record, message: `submitted ${command.kind} as ${command.id}; the lease holder decides on it (GET /v1/commands/${command.id})` } };
  }

  private async openRequest(id: string, now: Millis): Promise<ApprovalRequest> {
    const request = await this.deps.store.requests.get(id);
    if (!request) throw new ApiError(404, `no request "${id}"`, ['id: see GET /v1/requests']);
    const state = requestState(request, now);
    if (state === 'expired') throw new ApiError(409, `request ${id} expired at ${new Date(request.expiresAt).toISOString()}; ask again`, ['id: expired requests cannot be approved']);
    if (state !== 'pending') throw new ApiError(409, `request ${id} is already ${state}${request.decidedBy ? ` by ${request.decidedBy}` : ''}`);
    return request;
  }

  private requireRegion(name: string, field: string): string {
    const names = this.deps.config.regions.map((r) => r.name);
    if (!names.includes(name)) throw new ApiError(400, `unknown region "${name}"`, [`${field}: "${name}" is not one of the configured regions (${names.join(', ')})`]);
    return name;
  }

  private async database(): Promise<DatabaseStatus | undefined> {
    return this.deps.readDatabase ? this.deps.readDatabase().catch(() => undefined) : undefined;
  }
}
