/**
 * The contract between the fault registry and the emulated services. Each emulator asks the
 * registry, per request, whether a fault applies, and renders it in its own protocol (REST-XML for
 * Route 53, Query XML for RDS, JSON 1.0 for ARC). The registry owns timing (faults `--for 30s`).
 */

/**
 * An emulated AWS API; the DynamoDB store is faulted as a whole (`store-down`). `cloudwatch` is the
 * replication-lag metric served beside RDS; `iam` is IAM's policy simulation and STS's caller
 * identity; `kms` and `s3` sign and keep the audit chain's checkpoints.
 */
export type AwsService = 'route53' | 'rds' | 'arc' | 'cloudwatch' | 'iam' | 'kms' | 's3';

/** Who is calling an emulated AWS API, read from the request's SigV4 Authorization header. */
export interface AwsCaller {
  /** The region in the SigV4 credential scope (`us-east-1` for every Route 53 call). */
  region?: string;
  /** The access key id; in the sandbox the replica for region R signs as `<prefix>R`. */
  accessKeyId?: string;
}

/** What an emulated AWS API must do with one request. `null` from the registry: serve it normally. */
export type AwsApiFault =
  /** Answer with the service's throttling error (Route 53 `Throttling`, RDS `Throttling`, ARC `ThrottlingException`). */
  | { kind: 'throttle' }
  /** Answer 500 / 503 with the service's internal-error shape. */
  | { kind: 'server-error' }
  /** Accept the connection and never answer. */
  | { kind: 'hang' }
  /** Answer with `AccessDenied` (403) or `ExpiredToken` (403 for RDS/Route 53; ARC: `AccessDeniedException`). */
  | { kind: 'access-denied' }
  | { kind: 'expired-token' }
  /** The region is down: drop the connection without an answer. */
  | { kind: 'down' };

/** What a regional demo app must do with one request. */
export type AppFault =
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'status'; status: 500 | 503 | 429 }
  | { kind: 'latency'; ms: number };

export interface FaultView {
  awsApiFault(service: AwsService, caller: AwsCaller, arcEndpointIndex?: number): AwsApiFault | null;
  /**
   * `vantage` is the prober's vantage point (the `x-fcp-vantage` request header that the
   * controller's prober and the emulated Route 53 checkers send), so a cut between one vantage
   * point and one region can be modelled.
   */
  appFault(region: string, vantage: string | undefined): AppFault | null;
  /** Replication from the writer to `region` is stopped (region down). */
  regionDown(region: string): boolean;
  /** The app in `region` cannot reach any database endpoint. */
  databaseCut(region: string): boolean;
}

/** A registry that never injects anything: for emulator unit tests. */
export const NO_FAULTS: FaultView = {
  awsApiFault: () => null,
  appFault: () => null,
  regionDown: () => false,
  databaseCut: () => false,
};
