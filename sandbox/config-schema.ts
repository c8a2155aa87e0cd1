import { z } from 'zod';
import { duration } from '../kernel/duration.js';
import { parseWith } from '../kernel/validate.js';
import type { SandboxSpec } from './spec.js';

const port = z.number().int().min(0, 'must be a TCP port (0-65535)').max(65535, 'must be a TCP port (0-65535)');

/**
 * The `sandbox:` section of a controller config: settings only the local sandbox reads (the
 * controller ignores them). Timings model AWS's, shortened so drills finish in seconds.
 */
export const sandboxSection = z.strictObject({
  /** Port of the sandbox's DNS server (UDP and TCP); 0 picks a free port. */
  dnsPort: port.default(0),
  /** Port of the fault-injection API; 0 picks a free port. */
  faultsPort: port.default(0),
  /** How long a Route 53 change stays PENDING before INSYNC. */
  dnsPropagation: duration().default(2000),
  /** Replication lag from the writer to each secondary. */
  replicationLag: duration().default(200),
  /** Base duration of a global-cluster switchover; it grows with replication lag. */
  switchoverBase: duration().default(3000),
  /** Duration of an unplanned global-cluster failover. */
  failoverBase: duration().default(2000),
  /** Health checks run on their RequestInterval (10 s or 30 s) multiplied by this. */
  healthCheckTimeScale: z.number().min(0.01).max(1).default(0.1),
  /**
   * An IAM policy document (JSON file) every replica's role gets instead of the controller task role
   * that `infra/` renders (the default). For drills of a missing permission.
   */
  iamPolicy: z.string().min(1).optional(),
  /** TTL (seconds) of the public records the sandbox seeds for `traffic.mechanism: arc`. */
  publicRecordTtl: z.number().int().min(0).max(60, 'health-checked records should have a TTL of 60 seconds or less').default(2),
});

export type SandboxSettings = z.output<typeof sandboxSection>;

const parsed = new WeakMap<object, SandboxSettings>();
const section = z.strictObject({ sandbox: sandboxSection });

/**
 * The spec's `sandbox:` section, validated (defaults filled in). The controller treats the section
 * as opaque; a bad value is an InputError naming each field (`sandbox.dnsPort: ...`).
 */
export function sandboxSettings(spec: SandboxSpec): SandboxSettings {
  const known = parsed.get(spec);
  if (known) return known;
  const settings = parseWith(section, { sandbox: spec.sandbox ?? {} }, 'config').sandbox;
  parsed.set(spec, settings);
  return settings;
}

/** The section's JSON Schema as users write it, for `fcp config schema`. */
export function sandboxJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sandboxSection, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
