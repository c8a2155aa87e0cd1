/**
 * What a regional demo app needs from the database: the RDS emulator's in-process data API, seen
 * through the cluster endpoint names that the app's DB records (CNAMEs) point at.
 */
export type WriteOutcome = { ok: true } | { ok: false; reason: string };

export interface SessionStore {
  /** Reads `key` from the cluster behind `endpoint`; throws when that cluster is unreachable. */
  read(endpoint: string, key: string): Promise<string | undefined>;
  /** Commits `key` on the cluster behind `endpoint`; refused (not thrown) when it is not the writer. */
  write(endpoint: string, key: string, value: string): Promise<WriteOutcome>;
}
