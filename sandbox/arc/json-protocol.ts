import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BodyTooLargeError, readBody } from '../rds/transport.js';

/**
 * AWS JSON 1.0 as the sandbox serves it (ARC's cluster API, CloudWatch): `POST /` with
 * `X-Amz-Target: <Service>.<Operation>` and a JSON object body; errors as `{"__type", "message"}`.
 */

export type JsonObject = Record<string, unknown>;

export type JsonCall =
  | { ok: true; operation: string; input: JsonObject }
  | { ok: false; reason: 'unknownOperation' | 'cannotParse'; message: string };

/** Reads one JSON 1.0 call addressed to `targetPrefix` (e.g. `ToggleCustomerAPI`). */
export async function readJsonCall(req: IncomingMessage, targetPrefix: string): Promise<JsonCall> {
  const target = req.headers['x-amz-target'];
  const operation = typeof target === 'string' && target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : undefined;
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, reason: 'cannotParse', message: error.message };
    throw error;
  }
  if (req.method !== 'POST' || operation === undefined || operation === '') {
    return { ok: false, reason: 'unknownOperation', message: `Send a POST with X-Amz-Target: ${targetPrefix}.<Operation>` };
  }
  let input: unknown;
  try {
    input = raw === '' ? {} : JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'cannotParse', message: 'The request body is not valid JSON' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'cannotParse', message: 'The request body must be a JSON object' };
  }
  return { ok: true, operation, input: input as JsonObject };
}

export function sendJson(res: ServerResponse, status: number, body: JsonObject, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** An error in a JSON 1.0 API: `type` goes to `__type`, `fields` are the error shape's other members. */
export interface JsonError {
  type: string;
  status: number;
  message: string;
  fields?: JsonObject;
  headers?: Record<string, string>;
}

export function sendJsonError(res: ServerResponse, error: JsonError): void {
  sendJson(res, error.status, { __type: error.type, message: error.message, ...error.fields }, { 'x-amzn-errortype': error.type, ...error.headers });
}
