import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An id in Route 53's style: a prefix letter and upper-case letters and digits (`Z0A1B2...`). */
function route53Id(prefix: string): string {
  return prefix + [...randomBytes(20)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

export const newHostedZoneId = (): string => route53Id('Z');
export const newChangeId = (): string => route53Id('C');
export const newHealthCheckId = (): string => randomUUID();
export const newRequestId = (): string => randomUUID();

/** What a caller-chosen hosted zone id must look like (the sandbox seeds ids named in the config). */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
