import { displayName } from '../names.js';
import type { RecordSet } from '../record-sets.js';
import type { HealthCheck } from '../health-checks.js';
import { isPrivateZone } from '../zones.js';
import type { ChangeInfo, HostedZone } from '../zones.js';
import { leaf, tag } from '../xml.js';

/** XML fragments shared by several responses. */

export function changeInfoXml(change: ChangeInfo): string {
  return tag(
    'ChangeInfo',
    leaf('Id', `/change/${change.id}`) + leaf('Status', change.status) + leaf('SubmittedAt', change.submittedAt.toISOString()) + leaf('Comment', change.comment),
  );
}

export function hostedZoneXml(zone: HostedZone, recordSetCount: number): string {
  const config = leaf('Comment', zone.comment) + leaf('PrivateZone', isPrivateZone(zone));
  return tag(
    'HostedZone',
    leaf('Id', `/hostedzone/${zone.id}`) +
      leaf('Name', displayName(zone.name)) +
      leaf('CallerReference', zone.callerReference) +
      tag('Config', config) +
      leaf('ResourceRecordSetCount', recordSetCount),
  );
}

/** A public zone's name servers; a private zone's VPCs. */
export function zoneLocationXml(zone: HostedZone): string {
  if (isPrivateZone(zone)) {
    return tag('VPCs', zone.vpcs.map((vpc) => tag('VPC', leaf('VPCRegion', vpc.region) + leaf('VPCId', vpc.id))).join(''));
  }
  return tag('DelegationSet', tag('NameServers', zone.nameServers.map((ns) => leaf('NameServer', ns.replace(/\.$/, ''))).join('')));
}

export function recordSetXml(set: RecordSet): string {
  return tag(
    'ResourceRecordSet',
    leaf('Name', displayName(set.name)) +
      leaf('Type', set.type) +
      leaf('SetIdentifier', set.setIdentifier) +
      leaf('Weight', set.weight) +
      leaf('Failover', set.failover) +
      leaf('TTL', set.ttl) +
      tag('ResourceRecords', set.values.map((value) => tag('ResourceRecord', leaf('Value', value))).join('')) +
      leaf('HealthCheckId', set.healthCheckId),
  );
}

export function healthCheckXml(check: HealthCheck): string {
  const c = check.config;
  const list = (outer: string, inner: string, values: string[] | undefined): string =>
    values === undefined ? '' : tag(outer, values.map((value) => leaf(inner, value)).join(''));
  const config =
    leaf('IPAddress', c.ipAddress) +
    leaf('Port', c.port) +
    leaf('Type', c.type) +
    leaf('ResourcePath', c.resourcePath) +
    leaf('FullyQualifiedDomainName', c.fullyQualifiedDomainName) +
    leaf('SearchString', c.searchString) +
    leaf('RequestInterval', c.requestInterval) +
    leaf('FailureThreshold', c.failureThreshold) +
    leaf('MeasureLatency', false) +
    leaf('Inverted', c.inverted) +
    leaf('Disabled', c.disabled) +
    leaf('HealthThreshold', c.healthThreshold) +
    list('ChildHealthChecks', 'ChildHealthCheck', c.childHealthChecks) +
    leaf('EnableSNI', c.type.startsWith('HTTPS') ? true : undefined) +
    list('Regions', 'Region', c.regions) +
    leaf('RoutingControlArn', c.routingControlArn);
  return tag(
    'HealthCheck',
    leaf('Id', check.id) + leaf('CallerReference', check.callerReference) + tag('HealthCheckConfig', config) + leaf('HealthCheckVersion', check.version),
  );
}

/** The pagination elements closing a marker-paginated list response. */
export function markerPageXml(marker: string | null, next: { id: string } | undefined, limit: number): string {
  return leaf('Marker', marker ?? '') + leaf('IsTruncated', next !== undefined) + leaf('NextMarker', next?.id) + leaf('MaxItems', limit);
}
