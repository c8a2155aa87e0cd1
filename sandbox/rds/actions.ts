import { RdsApiError } from './errors.js';
import type { GlobalDatabase } from './global-database.js';
import { xmlList, type QueryFilter, type QueryParams, type XmlValue } from './query-protocol.js';
import type { ClusterRecord, GlobalClusterRecord } from './records.js';
import { renderCluster, renderGlobalCluster, renderInstance } from './render.js';

/** The RDS actions the sandbox serves: each reads its parameters and returns its Result element. */

export interface ActionContext {
  db: GlobalDatabase;
  params: QueryParams;
  /** The caller's region (SigV4 scope): regional resources are those of this region. */
  region: string;
}

type ActionResult = { readonly [element: string]: XmlValue };
type Action = (context: ActionContext) => ActionResult;

const MAX_RECORDS = { min: 20, max: 100, default: 100 };

/** Applies MaxRecords / Marker paging (the marker is the index of the next record). */
function page<T>(params: QueryParams, items: T[]): { items: T[]; marker?: string } {
  const max = params.integer('MaxRecords', MAX_RECORDS.min, MAX_RECORDS.max) ?? MAX_RECORDS.default;
  const markerText = params.string('Marker');
  const start = markerText === undefined ? 0 : Number(markerText);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new RdsApiError('InvalidParameterValue', `Marker "${markerText}" is not valid; pass the Marker from the previous response`);
  }
  const end = start + max;
  return { items: items.slice(start, end), marker: end < items.length ? String(end) : undefined };
}

/** Reads the Filters parameter, refusing filter names the action does not support. */
function filtersOf(params: QueryParams, supported: readonly string[]): QueryFilter[] {
  const filters = params.filters();
  for (const filter of filters) {
    if (!supported.includes(filter.name)) {
      throw new RdsApiError('InvalidParameterValue', `Unrecognized filter name: ${filter.name} (supported: ${supported.join(', ')})`);
    }
  }
  return filters;
}

function matchesClusterFilters(cluster: ClusterRecord, filters: QueryFilter[]): boolean {
  return filters.every((filter) =>
    filter.name === 'engine' ? filter.values.includes(cluster.engine) : filter.values.includes(cluster.id) || filter.values.includes(cluster.arn),
  );
}

const describeGlobalClusters: Action = ({ db, params }) => {
  const id = params.string('GlobalClusterIdentifier');
  const filters = filtersOf(params, ['db-cluster-id']);
  const globals: GlobalClusterRecord[] = id === undefined ? db.listGlobalClusters() : [db.globalCluster(id)];
  const matching = filters.length === 0 ? globals : globals.filter((global) => global.members.some((m) => matchesClusterFilters(m, filters)));
  const { items, marker } = page(params, matching);
  return { GlobalClusters: xmlList('GlobalClusterMember', items.map((global) => renderGlobalCluster(db, global))), Marker: marker };
};

const describeDBClusters: Action = ({ db, params, region }) => {
  const id = params.string('DBClusterIdentifier');
  const filters = filtersOf(params, ['db-cluster-id', 'engine']);
  const clusters = id === undefined ? db.clustersIn(region) : [db.cluster(region, id)];
  const matching = clusters.filter((cluster) => matchesClusterFilters(cluster, filters));
  const { items, marker } = page(params, matching);
  return { DBClusters: xmlList('DBCluster', items.map((cluster) => renderCluster(db, cluster))), Marker: marker };
};

const switchoverGlobalCluster: Action = ({ db, params }) => {
  const globalId = params.required('GlobalClusterIdentifier');
  const target = params.required('TargetDbClusterIdentifier');
  return { GlobalCluster: renderGlobalCluster(db, db.startOperation(globalId, target, false)) };
};

/** AllowDataLoss: an unplanned failover; Switchover or neither: a switchover; both: refused. */
const failoverGlobalCluster: Action = ({ db, params }) => {
  const globalId = params.required('GlobalClusterIdentifier');
  const target = params.required('TargetDbClusterIdentifier');
  const allowDataLoss = params.boolean('AllowDataLoss') ?? false;
  const switchover = params.boolean('Switchover') ?? false;
  if (allowDataLoss && switchover) {
    throw new RdsApiError('InvalidParameterCombination', 'Specify either AllowDataLoss (failover) or Switchover (switchover), not both');
  }
  return { GlobalCluster: renderGlobalCluster(db, db.startOperation(globalId, target, allowDataLoss)) };
};

const createGlobalCluster: Action = ({ db, params }) => {
  const global = db.createGlobalCluster({
    id: params.required('GlobalClusterIdentifier'),
    engine: params.string('Engine'),
    engineVersion: params.string('EngineVersion'),
    sourceClusterArn: params.string('SourceDBClusterIdentifier'),
  });
  return { GlobalCluster: renderGlobalCluster(db, global) };
};

const createDBCluster: Action = ({ db, params, region }) => {
  const cluster = db.createCluster({
    id: params.required('DBClusterIdentifier'),
    region,
    engine: params.required('Engine'),
    engineVersion: params.string('EngineVersion'),
    globalClusterId: params.string('GlobalClusterIdentifier'),
    writeForwarding: params.boolean('EnableGlobalWriteForwarding'),
  });
  return { DBCluster: renderCluster(db, cluster) };
};

const createDBInstance: Action = ({ db, params, region }) => {
  const clusterId = params.string('DBClusterIdentifier');
  if (clusterId === undefined) {
    throw new RdsApiError('InvalidParameterValue', 'The sandbox only serves Aurora: DBClusterIdentifier is required for a DB instance');
  }
  const instance = db.createInstance({
    id: params.required('DBInstanceIdentifier'),
    region,
    clusterId,
    instanceClass: params.required('DBInstanceClass'),
    engine: params.required('Engine'),
  });
  return { DBInstance: renderInstance(instance, db.cluster(region, clusterId)) };
};

/** By action name (a Map, so names such as `constructor` are simply unknown). */
export const ACTIONS: ReadonlyMap<string, Action> = new Map([
  ['DescribeGlobalClusters', describeGlobalClusters],
  ['DescribeDBClusters', describeDBClusters],
  ['SwitchoverGlobalCluster', switchoverGlobalCluster],
  ['FailoverGlobalCluster', failoverGlobalCluster],
  ['CreateGlobalCluster', createGlobalCluster],
  ['CreateDBCluster', createDBCluster],
  ['CreateDBInstance', createDBInstance],
]);
