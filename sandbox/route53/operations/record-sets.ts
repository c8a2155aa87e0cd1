import { invalidInput } from '../api-error.js';
import type { Change, ChangeAction } from '../change-batch.js';
import { canonicalName, compareNames, nameProblem } from '../names.js';
import { normalizeRecordSet } from '../record-sets.js';
import type { RecordSet } from '../record-sets.js';
import type { HostedZoneStore } from '../zones.js';
import { child, childText, childrenNamed, leaf, tag, xmlDocument } from '../xml.js';
import type { XmlElement } from '../xml.js';
import type { Operation } from './operation.js';
import { maxItems, optionalInteger, requireRoot, requiredText } from './parse.js';
import { changeInfoXml, recordSetXml } from './render.js';

const RECORD_PAGE = 300;
const ACTIONS: readonly ChangeAction[] = ['CREATE', 'DELETE', 'UPSERT'];
/** Record set features Route 53 has and the sandbox does not emulate: refused, never ignored. */
const NOT_EMULATED = ['AliasTarget', 'Region', 'GeoLocation', 'GeoProximityLocation', 'MultiValueAnswer', 'CidrRoutingConfig', 'TrafficPolicyInstanceId'];

function parseChange(element: XmlElement, index: number): Change {
  const path = `ChangeBatch.Changes[${index}].`;
  const action = requiredText(element, 'Action', path);
  if (!ACTIONS.includes(action as ChangeAction)) throw invalidInput(`${path}Action must be CREATE, DELETE or UPSERT, not "${action}"`);
  const set = child(element, 'ResourceRecordSet');
  if (!set) throw invalidInput(`${path}ResourceRecordSet is required`);
  const setPath = `${path}ResourceRecordSet.`;
  const unsupported = NOT_EMULATED.find((name) => child(set, name) !== undefined);
  if (unsupported) throw invalidInput(`${setPath}${unsupported} is not emulated by the sandbox; use simple, weighted or failover records`);
  const ttl = optionalInteger(set, 'TTL', setPath);
  if (ttl === undefined) throw invalidInput(`${setPath}TTL is required`);
  const weight = optionalInteger(set, 'Weight', setPath);
  const setIdentifier = childText(set, 'SetIdentifier');
  const failover = childText(set, 'Failover');
  const healthCheckId = childText(set, 'HealthCheckId');
  const values = childrenNamed(child(set, 'ResourceRecords'), 'ResourceRecord').map((record, i) =>
    requiredText(record, 'Value', `${setPath}ResourceRecords[${i}].`),
  );
  const normalized = normalizeRecordSet({
    name: requiredText(set, 'Name', setPath),
    type: requiredText(set, 'Type', setPath),
    ttl,
    values,
    ...(setIdentifier === undefined ? {} : { setIdentifier }),
    ...(weight === undefined ? {} : { weight }),
    ...(failover === undefined ? {} : { failover }),
    ...(healthCheckId === undefined ? {} : { healthCheckId }),
  });
  return { action: action as ChangeAction, set: normalized };
}

/** Where a ListResourceRecordSets page starts: the first set at or after (name, type, identifier). */
function startsAt(set: RecordSet, name: string | undefined, type: string | undefined, identifier: string | undefined): boolean {
  if (name === undefined) return true;
  const byName = compareNames(set.name, name);
  if (byName !== 0 || type === undefined) return byName >= 0;
  const byType = set.type.localeCompare(type);
  if (byType !== 0 || identifier === undefined) return byType >= 0;
  return (set.setIdentifier ?? '').localeCompare(identifier) >= 0;
}

/**
 * The condition keys IAM sets on ChangeResourceRecordSets: each change's action, record type and
 * name (lower case, no trailing dot). Read from the raw batch, before it is validated.
 */
function changeBatchContext(body: XmlElement | undefined) {
  const changes = childrenNamed(child(child(body, 'ChangeBatch'), 'Changes'), 'Change');
  const sets = changes.map((change) => child(change, 'ResourceRecordSet'));
  return {
    'route53:ChangeResourceRecordSetsActions': changes.map((change) => childText(change, 'Action') ?? ''),
    'route53:ChangeResourceRecordSetsRecordTypes': sets.map((set) => childText(set, 'Type') ?? ''),
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': sets.map((set) => (childText(set, 'Name') ?? '').toLowerCase().replace(/\.$/, '')),
  };
}

/** ChangeResourceRecordSets, ListResourceRecordSets, GetChange. */
export function recordSetOperations(store: HostedZoneStore, healthCheckExists: (id: string) => boolean): Operation[] {
  return [
    {
      name: 'ChangeResourceRecordSets',
      resource: 'hostedzone',
      iamContext: ({ body }) => changeBatchContext(body),
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      run: ({ params: [id = ''], body }) => {
        const batch = child(requireRoot(body, 'ChangeResourceRecordSetsRequest'), 'ChangeBatch');
        if (!batch) throw invalidInput('ChangeBatch is required');
        const changes = childrenNamed(child(batch, 'Changes'), 'Change').map(parseChange);
        if (changes.length === 0) throw invalidInput('ChangeBatch.Changes must hold at least one Change');
        store.getZone(id); // an unknown zone is NoSuchHostedZone before any batch problem
        const change = store.changeRecordSets(id, changes, childText(batch, 'Comment'), healthCheckExists);
        return { status: 200, body: xmlDocument('ChangeResourceRecordSetsResponse', changeInfoXml(change)) };
      },
    },
    {
      name: 'ListResourceRecordSets',
      resource: 'hostedzone',
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      run: ({ params: [id = ''], query }) => {
        const limit = maxItems(query, RECORD_PAGE);
        const rawName = query.get('name') ?? undefined;
        const type = query.get('type') ?? undefined;
        const identifier = query.get('identifier') ?? undefined;
        if (type !== undefined && rawName === undefined) throw invalidInput('StartRecordType needs StartRecordName as well');
        if (identifier !== undefined && type === undefined) throw invalidInput('StartRecordIdentifier needs StartRecordType as well');
        if (rawName !== undefined && nameProblem(rawName)) throw invalidInput(`StartRecordName "${rawName}" is not a valid DNS name`);
        const name = rawName === undefined ? undefined : canonicalName(rawName);
        const sets = store.recordSets(id);
        const first = sets.findIndex((set) => startsAt(set, name, type, identifier));
        const from = first < 0 ? sets.length : first;
        const page = sets.slice(from, from + limit);
        const next = sets[from + limit];
        return {
          status: 200,
          body: xmlDocument(
            'ListResourceRecordSetsResponse',
            tag('ResourceRecordSets', page.map(recordSetXml).join('')) +
              leaf('IsTruncated', next !== undefined) +
              leaf('NextRecordName', next?.name) +
              leaf('NextRecordType', next?.type) +
              leaf('NextRecordIdentifier', next?.setIdentifier) +
              leaf('MaxItems', limit),
          ),
        };
      },
    },
    {
      name: 'GetChange',
      resource: 'change',
      method: 'GET',
      path: /^\/2013-04-01\/change\/([^/]+)$/,
      run: ({ params: [id = ''] }) => ({ status: 200, body: xmlDocument('GetChangeResponse', changeInfoXml(store.getChange(id))) }),
    },
  ];
}
