import { RdsApiError } from './errors.js';
import type { ClusterRecord } from './records.js';

/** What callers hand the emulated Aurora and get back, and how it checks identifiers. */

export interface CreateClusterInput {
  id: string;
  region: string;
  engine?: string;
  engineVersion?: string;
  globalClusterId?: string;
  writeForwarding?: boolean;
  writerEndpoint?: string;
  readerEndpoint?: string;
}

export interface CreateInstanceInput {
  id: string;
  region: string;
  clusterId: string;
  instanceClass: string;
  engine: string;
}

/** How a data-API target (host name, id or ARN) resolved. */
export interface ResolvedTarget {
  cluster: ClusterRecord;
  /** Reached through a reader endpoint: never writable. */
  viaReader: boolean;
}

export interface SecondaryLag {
  region: string;
  clusterId: string;
  clusterArn: string;
  lagMs: number;
}

export interface DataStats {
  writesCommitted: number;
  writesLost: number;
  /** RPO lag per secondary region, in ms. */
  replicationLagMs: Record<string, number>;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

export function checkIdentifier(field: string, value: string): void {
  if (!IDENTIFIER.test(value) || value.endsWith('-') || value.includes('--')) {
    throw new RdsApiError(
      'InvalidParameterValue',
      `${field} "${value}" is not valid: use 1-63 letters, digits or hyphens, starting with a letter, without two consecutive hyphens or a trailing hyphen`,
    );
  }
}

/** RDS stores global-cluster, cluster and instance identifiers (and so their ARNs) in lower case; inputs are case-insensitive. */
export const lower = (value: string) => value.toLowerCase();
