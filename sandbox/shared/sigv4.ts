import type { AwsCaller } from './faults.js';

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

/** Reads the caller's access key id and scope region from a SigV4 `Authorization` header. */
export function callerFromAuthorization(header: string | undefined): AwsCaller {
  const match = header ? CREDENTIAL.exec(header) : null;
  if (!match) return {};
  return { accessKeyId: match[1], region: match[3] };
}
