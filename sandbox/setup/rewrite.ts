import type { SandboxSpec } from '../spec.js';
import { sandboxSettings } from '../config-schema.js';
import type { ListenAddress, SandboxLayout } from './layout.js';

export const addressUrl = (a: ListenAddress): string => `http://${a.host}:${a.port}`;
const url = addressUrl;

/**
 * The config rewritten to where the sandbox actually listens (after binding free ports), so
 * controller replicas started from it talk to this sandbox.
 */
export function rewriteConfig<Spec extends SandboxSpec>(config: Spec, bound: SandboxLayout): Spec {
  const copy = structuredClone(config);
  const perRegion = (map: Record<string, string> | undefined, address: ListenAddress) =>
    map && Object.fromEntries(Object.keys(map).map((region) => [region, url(address)]));

  const endpoints = copy.aws.endpoints;
  endpoints.route53 = url(bound.route53);
  endpoints.rds = perRegion(endpoints.rds, bound.rds);
  if (bound.cloudwatch) endpoints.cloudwatch = perRegion(endpoints.cloudwatch, bound.cloudwatch);
  endpoints.dynamodb = url(bound.dynamodb);
  endpoints.iam = url(bound.iam);
  endpoints.sts = url(bound.iam);
  if (bound.kms) endpoints.kms = url(bound.kms);
  if (bound.s3) endpoints.s3 = url(bound.s3);
  if (copy.traffic.mechanism === 'arc') {
    copy.traffic.clusterEndpoints = copy.traffic.clusterEndpoints.map((e, i) => ({ ...e, url: url(bound.arc[i] as ListenAddress) }));
  }
  for (const service of copy.services) {
    for (const [region, endpoint] of Object.entries(service.endpoints)) {
      const app = bound.apps[region];
      if (!app) continue;
      const target = new URL(endpoint);
      service.endpoints[region] = `${url(app)}${target.pathname}${target.search}`;
    }
  }
  copy.sandbox = { ...sandboxSettings(config), dnsPort: bound.dns.port, faultsPort: bound.faults.port };
  return copy;
}
