import { invalidDomainName, invalidInput } from '../api-error.js';
import { canonicalName, compareNames, nameProblem } from '../names.js';
import { isPrivateZone } from '../zones.js';
import type { HostedZone, HostedZoneStore } from '../zones.js';
import { child, childText, leaf, tag, xmlDocument } from '../xml.js';
import type { Operation } from './operation.js';
import { markerPage, maxItems, optionalBoolean, requireRoot, requiredText } from './parse.js';
import { changeInfoXml, hostedZoneXml, markerPageXml, zoneLocationXml } from './render.js';

const ZONE_PAGE = 100;

/** CreateHostedZone, GetHostedZone, ListHostedZones, ListHostedZonesByName, DeleteHostedZone. */
export function hostedZoneOperations(store: HostedZoneStore): Operation[] {
  const zoneXml = (zone: HostedZone): string => hostedZoneXml(zone, store.recordSetCount(zone.id));

  return [
    {
      name: 'CreateHostedZone',
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone$/,
      run: ({ body }) => {
        const root = requireRoot(body, 'CreateHostedZoneRequest');
        const name = requiredText(root, 'Name', '');
        const callerReference = requiredText(root, 'CallerReference', '');
        const config = child(root, 'HostedZoneConfig');
        const vpcElement = child(root, 'VPC');
        const privateZone = optionalBoolean(config, 'PrivateZone', 'HostedZoneConfig.') ?? vpcElement !== undefined;
        if (privateZone && !vpcElement) throw invalidInput('a private hosted zone needs a VPC (VPC.VPCRegion and VPC.VPCId)');
        if (!privateZone && vpcElement) throw invalidInput('HostedZoneConfig.PrivateZone is false but a VPC was given; a VPC makes the zone private');
        if (childText(root, 'DelegationSetId') !== undefined) throw invalidInput('DelegationSetId: reusable delegation sets are not emulated by the sandbox');
        const vpc = vpcElement ? { region: requiredText(vpcElement, 'VPCRegion', 'VPC.'), id: requiredText(vpcElement, 'VPCId', 'VPC.') } : undefined;
        const comment = childText(config, 'Comment');
        const { zone, change } = store.createZone({ name, callerReference, ...(comment === undefined ? {} : { comment }), ...(vpc ? { vpc } : {}) });
        return {
          status: 201,
          headers: { location: `/2013-04-01/hostedzone/${zone.id}` },
          body: xmlDocument(
            'CreateHostedZoneResponse',
            zoneXml(zone) + changeInfoXml(change) + (isPrivateZone(zone) ? tag('VPC', leaf('VPCRegion', vpc?.region) + leaf('VPCId', vpc?.id)) : zoneLocationXml(zone)),
          ),
        };
      },
    },
    {
      name: 'GetHostedZone',
      resource: 'hostedzone',
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      run: ({ params: [id = ''] }) => {
        const zone = store.getZone(id);
        return { status: 200, body: xmlDocument('GetHostedZoneResponse', zoneXml(zone) + zoneLocationXml(zone)) };
      },
    },
    {
      name: 'ListHostedZones',
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone$/,
      run: ({ query }) => {
        const limit = maxItems(query, ZONE_PAGE);
        const marker = query.get('marker');
        const type = query.get('hostedzonetype');
        if (type !== null && type !== 'PrivateHostedZone') throw invalidInput(`hostedzonetype must be PrivateHostedZone, not "${type}"`);
        const zones = store.listZones().filter((zone) => type === null || isPrivateZone(zone));
        const { page, next } = markerPage(zones, marker, limit, 'hosted zone');
        return {
          status: 200,
          body: xmlDocument('ListHostedZonesResponse', tag('HostedZones', page.map(zoneXml).join('')) + markerPageXml(marker, next, limit)),
        };
      },
    },
    {
      name: 'ListHostedZonesByName',
      method: 'GET',
      path: /^\/2013-04-01\/hostedzonesbyname$/,
      run: ({ query }) => {
        const limit = maxItems(query, ZONE_PAGE);
        const dnsName = query.get('dnsname');
        const zoneId = query.get('hostedzoneid');
        if (zoneId !== null && dnsName === null) throw invalidInput('hostedzoneid needs dnsname as well');
        const problem = dnsName === null ? undefined : nameProblem(dnsName);
        if (dnsName !== null && problem) throw invalidDomainName(dnsName, problem);
        const order = (a: HostedZone, b: HostedZone): number => compareNames(a.name, b.name) || a.id.localeCompare(b.id);
        const zones = store.listZones().sort(order);
        const start =
          dnsName === null
            ? 0
            : zones.findIndex((zone) => {
                const byName = compareNames(zone.name, canonicalName(dnsName));
                return byName > 0 || (byName === 0 && (zoneId === null || zone.id.localeCompare(zoneId) >= 0));
              });
        const from = start < 0 ? zones.length : start;
        const page = zones.slice(from, from + limit);
        const next = zones[from + limit];
        return {
          status: 200,
          body: xmlDocument(
            'ListHostedZonesByNameResponse',
            tag('HostedZones', page.map(zoneXml).join('')) +
              leaf('DNSName', dnsName ?? undefined) +
              leaf('HostedZoneId', zoneId ?? undefined) +
              leaf('IsTruncated', next !== undefined) +
              leaf('NextDNSName', next?.name) +
              leaf('NextHostedZoneId', next?.id) +
              leaf('MaxItems', limit),
          ),
        };
      },
    },
    {
      name: 'DeleteHostedZone',
      resource: 'hostedzone',
      method: 'DELETE',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      run: ({ params: [id = ''] }) => ({ status: 200, body: xmlDocument('DeleteHostedZoneResponse', changeInfoXml(store.deleteZone(id))) }),
    },
  ];
}
