import type { SandboxSpec } from '../spec.js';
import { InputError } from '../../kernel/errors.js';
import { sandboxSettings } from '../config-schema.js';
import { awsCheckpoints } from './seed.js';

/** Where one part of the sandbox listens. */
export interface ListenAddress {
  /** Which part wants it, for error messages: `route53`, `arc[2]`, `us-east-1 app`... */
  part: string;
  host: string;
  port: number;
}

export interface AppAddress extends ListenAddress {
  /** The health paths of the region's services (`/health`). */
  healthPaths: string[];
}

/** Every address the sandbox binds, read from the config it serves. */
export interface SandboxLayout {
  route53: ListenAddress;
  rds: ListenAddress;
  /** Absent when the config reads no replication lag from CloudWatch. */
  cloudwatch?: ListenAddress;
  arc: ListenAddress[];
  dynamodb: ListenAddress;
  /** IAM and STS, served by one listener. */
  iam: ListenAddress;
  /** KMS and S3: present when the config names them (required by `audit.checkpoints.mode: aws`). */
  kms?: ListenAddress;
  s3?: ListenAddress;
  dns: ListenAddress;
  faults: ListenAddress;
  apps: Record<string, AppAddress>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)$/;
const DEFAULT_HOST = '127.0.0.1';
const listenHost = (hostname: string) => (hostname === 'localhost' ? DEFAULT_HOST : hostname);

/**
 * The loopback address of the sandbox's own servers without a URL in the config (DNS, the fault
 * API): the address its AWS APIs are given (`aws.endpoints.route53`), so sandboxes on different
 * loopback addresses do not collide.
 */
export function sandboxHost(config: SandboxSpec): string {
  const url = config.aws.endpoints.route53;
  const hostname = url === undefined ? DEFAULT_HOST : new URL(url).hostname;
  return LOOPBACK.test(hostname) ? listenHost(hostname) : DEFAULT_HOST;
}

/**
 * Reads the sandbox's listen addresses from the config (the config is the source of truth). Throws
 * an InputError listing every problem with its path; nothing has started yet when it does.
 */
export function sandboxLayout(config: SandboxSpec): SandboxLayout {
  const problems: string[] = [];
  const address = (url: string | undefined, path: string, part: string, example: string): ListenAddress => {
    if (url === undefined) {
      problems.push(`${path}: the sandbox serves ${part} here; set it to a loopback URL such as ${example}`);
      return { part, host: DEFAULT_HOST, port: 0 };
    }
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:') problems.push(`${path}: the sandbox serves plain HTTP; use http:// (got ${url})`);
    if (!LOOPBACK.test(parsed.hostname)) problems.push(`${path}: the sandbox listens on loopback only; use a 127.x.y.z address (got ${parsed.hostname})`);
    return { part, host: listenHost(parsed.hostname), port: Number(parsed.port || 80) };
  };
  /** One server answers for every region, so every region must name the same URL. */
  const sharedUrl = (urls: Record<string, string> | undefined, path: string, part: string): string | undefined => {
    const distinct = [...new Set(Object.values(urls ?? {}))];
    if (distinct.length > 1) problems.push(`${path}: one ${part} server serves every region; give every region the same URL (found ${distinct.join(', ')})`);
    return distinct[0];
  };

  const { endpoints } = config.aws;
  const route53 = address(endpoints.route53, 'aws.endpoints.route53', 'route53', 'http://127.0.0.1:4610');
  const rds = address(sharedUrl(endpoints.rds, 'aws.endpoints.rds', 'rds'), 'aws.endpoints.rds', 'rds', 'http://127.0.0.1:4611');
  const cloudwatchUrl = sharedUrl(endpoints.cloudwatch, 'aws.endpoints.cloudwatch', 'cloudwatch');
  const cloudwatch = cloudwatchUrl === undefined ? undefined : address(cloudwatchUrl, 'aws.endpoints.cloudwatch', 'cloudwatch', 'http://127.0.0.1:4623');
  const dynamodb = address(endpoints.dynamodb, 'aws.endpoints.dynamodb', 'dynamodb', 'http://127.0.0.1:4617');
  const iam = address(endpoints.iam, 'aws.endpoints.iam', 'iam', 'http://127.0.0.1:4624');
  if (endpoints.sts !== endpoints.iam) problems.push(`aws.endpoints.sts: one server serves IAM and STS; give it the same URL as aws.endpoints.iam (${endpoints.iam ?? 'unset'})`);
  // The checkpoint key and bucket: required when the config signs checkpoints with KMS, served whenever named.
  const checkpointsInAws = awsCheckpoints(config) !== undefined;
  const optional = (url: string | undefined, path: string, part: string, example: string) =>
    url === undefined && !checkpointsInAws ? undefined : address(url, path, part, example);
  const kms = optional(endpoints.kms, 'aws.endpoints.kms', 'kms', 'http://127.0.0.1:4625');
  const s3 = optional(endpoints.s3, 'aws.endpoints.s3', 's3', 'http://127.0.0.1:4626');
  const arc =
    config.traffic.mechanism === 'arc'
      ? config.traffic.clusterEndpoints.map((e, i) => address(e.url, `traffic.clusterEndpoints[${i}].url`, `arc[${i}]`, `http://127.0.0.1:${4612 + i}`))
      : [];
  const settings = sandboxSettings(config);
  const dns = { part: 'dns', host: sandboxHost(config), port: settings.dnsPort };
  const faults = { part: 'faults', host: sandboxHost(config), port: settings.faultsPort };

  const apps: Record<string, AppAddress> = {};
  for (const { name: region } of config.regions) {
    const urls = config.services.map((s, i) => ({ url: new URL(s.endpoints[region] ?? ''), path: `services[${i}].endpoints.${region}` }));
    const first = urls[0];
    if (!first) continue;
    const app = address(first.url.href, first.path, `${region} app`, 'http://127.0.1.1:4620/health');
    for (const other of urls.slice(1)) {
      if (other.url.host !== first.url.host) problems.push(`${other.path}: one app serves each region; use the same host:port as ${first.path} (${first.url.host})`);
    }
    apps[region] = { ...app, healthPaths: [...new Set(urls.map((u) => u.url.pathname))] };
  }
  const appList = Object.entries(apps);
  const appPorts = new Set(appList.map(([, a]) => a.port));
  if (appPorts.size > 1) {
    problems.push(`services[*].endpoints: every region's app must use the same port, since a DNS answer carries only the address (found ${[...appPorts].join(', ')})`);
  }
  const appHosts = appList.map(([, a]) => a.host);
  if (new Set(appHosts).size < appHosts.length) {
    problems.push('services[*].endpoints: give each region its own loopback address (e.g. 127.0.1.1, 127.0.1.2, ...) so DNS answers tell regions apart');
  }

  const all = [route53, rds, ...(cloudwatch ? [cloudwatch] : []), ...arc, dynamodb, iam, ...(kms ? [kms] : []), ...(s3 ? [s3] : []), dns, faults, ...appList.map(([, a]) => a)];
  const seen = new Map<string, string>();
  for (const a of all) {
    if (a.port === 0) continue;
    const key = `${a.host}:${a.port}`;
    const owner = seen.get(key);
    if (owner) problems.push(`${a.part}: ${key} is also where ${owner} listens; give each part its own port`);
    else seen.set(key, a.part);
  }

  if (problems.length > 0) throw new InputError(`the config cannot drive the sandbox (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  return { route53, rds, ...(cloudwatch ? { cloudwatch } : {}), arc, dynamodb, iam, ...(kms && { kms }), ...(s3 && { s3 }), dns, faults, apps };
}

/** The same layout with every port 0: each part binds a free port (tests, drills). */
export function ephemeral(layout: SandboxLayout): SandboxLayout {
  const free = <A extends ListenAddress>(a: A): A => ({ ...a, port: 0 });
  return {
    route53: free(layout.route53),
    rds: free(layout.rds),
    ...(layout.cloudwatch ? { cloudwatch: free(layout.cloudwatch) } : {}),
    arc: layout.arc.map(free),
    dynamodb: free(layout.dynamodb),
    iam: free(layout.iam),
    ...(layout.kms && { kms: free(layout.kms) }),
    ...(layout.s3 && { s3: free(layout.s3) }),
    dns: free(layout.dns),
    faults: free(layout.faults),
    apps: Object.fromEntries(Object.entries(layout.apps).map(([region, a]) => [region, free(a)])),
  };
}
