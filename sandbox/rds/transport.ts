import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsApiFault } from '../shared/faults.js';

/**
 * HTTP plumbing shared by the sandbox's emulated AWS APIs (RDS, CloudWatch, ARC, KMS, S3): reading a
 * bounded request body, and the two faults that never produce an answer (`down`, `hang`).
 */

/** AWS rejects larger requests long before this; the cap keeps a bad client from filling memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads the whole request body as UTF-8; rejects with BodyTooLargeError past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** Reads the whole request body as bytes; rejects with BodyTooLargeError past `limit` bytes. */
export function readBodyBytes(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body is larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Requests held open by a `hang` fault. They are answered never, but destroyed on `stop()` so a
 * test's server can close.
 */
export class HeldRequests {
  private readonly held = new Set<ServerResponse>();

  hold(res: ServerResponse): void {
    this.held.add(res);
    res.on('close', () => this.held.delete(res));
  }

  releaseAll(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}

/**
 * The fault an emulated API call meets, in that API's protocol: `'handled'` when the fault leaves
 * the request unanswered (applied here), the protocol's error for a fault that answers (the body is
 * drained; the caller renders it), or undefined when the call goes on.
 */
export function meetFault<E>(fault: AwsApiFault | null, req: IncomingMessage, res: ServerResponse, held: HeldRequests, toError: (fault: AwsApiFault) => E | undefined): 'handled' | E | undefined {
  if (!fault) return undefined;
  if (applySilentFault(fault, req, res, held)) return 'handled';
  const error = toError(fault);
  if (error !== undefined) req.resume();
  return error;
}

/**
 * Applies a fault that leaves the request unanswered: `down` drops the connection, `hang` holds it
 * open. Returns true when it did; the caller renders every other fault in its own protocol.
 */
export function applySilentFault(fault: AwsApiFault, req: IncomingMessage, res: ServerResponse, held: HeldRequests): boolean {
  if (fault.kind === 'down') {
    req.socket.destroy();
    return true;
  }
  if (fault.kind === 'hang') {
    req.resume();
    held.hold(res);
    return true;
  }
  return false;
}
