import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonCall, sendJson, sendJsonError, type JsonError, type JsonObject } from '../arc/json-protocol.js';
import type { IamGate } from '../iam/gate.js';
import type { FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import type { SecondaryLag } from './inputs.js';
import { MetricHistory, statistic, type Statistic } from './metric-history.js';

/**
 * The sandbox's CloudWatch: GetMetricData (AWS JSON 1.0, `GraniteServiceVersion20100801`, one
 * server for every region) serving `AWS/RDS` `AuroraGlobalDBRPOLag` (ms, dimension
 * `DBClusterIdentifier`) of the secondary clusters in the caller's region, from lag samples taken
 * every `sampleMs`. Other metrics have no data (empty results), as in CloudWatch. Requests scoped
 * to a region that is down get no answer.
 */

export const RPO_LAG_METRIC = { namespace: 'AWS/RDS', name: 'AuroraGlobalDBRPOLag', dimension: 'DBClusterIdentifier' } as const;

export interface LagSource {
  secondaryLags(): SecondaryLag[];
}

export interface CloudWatchEmulatorOptions {
  faults: FaultView;
  /** Where the lag comes from: the RDS emulator. */
  rds: LagSource;
  /** How often lag is sampled. Default 1000 ms (CloudWatch's high-resolution period). */
  sampleMs?: number;
  /** How long samples are kept. Default 3 hours. */
  retentionMs?: number;
  clock?: () => number;
  /** IAM: each request is evaluated against its caller's policy. Default: every call allowed. */
  iam?: IamGate;
}

export interface CloudWatchEmulator {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Requests served per operation. */
  callCounts(): Record<string, number>;
  stop(): void;
}

const TARGET_PREFIX = 'GraniteServiceVersion20100801';
const MAX_QUERIES = 500;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

/** CloudWatch speaks JSON with Query-compatible error codes (`x-amzn-query-error`). */
function cloudWatchError(type: string, queryCode: string, message: string, status = 400): JsonError {
  return { type: `com.amazonaws.cloudwatch#${type}`, status, message, headers: { 'x-amzn-query-error': `${queryCode};${status >= 500 ? 'Receiver' : 'Sender'}` } };
}

class CloudWatchInputError extends Error {
  constructor(readonly error: JsonError) {
    super(error.message);
  }
}

const invalid = (message: string) => new CloudWatchInputError(cloudWatchError('InvalidParameterValueException', 'InvalidParameterValue', message));
const missing = (field: string) =>
  new CloudWatchInputError(cloudWatchError('MissingRequiredParameterException', 'MissingParameter', `The parameter ${field} is required.`));

function objectField(input: JsonObject, field: string, path: string): JsonObject {
  const value = input[field];
  if (value === undefined) throw missing(`${path}${field}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`The parameter ${path}${field} must be an object.`);
  return value as JsonObject;
}

function stringField(input: JsonObject, field: string, path: string): string {
  const value = input[field];
  if (value === undefined) throw missing(`${path}${field}`);
  if (typeof value !== 'string' || value === '') throw invalid(`The parameter ${path}${field} must be a non-empty string.`);
  return value;
}

function numberField(input: JsonObject, field: string, path: string): number {
  const value = input[field];
  if (value === undefined) throw missing(`${path}${field}`);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The parameter ${path}${field} must be a number.`);
  return value;
}

interface MetricQuery {
  id: string;
  label?: string;
  namespace: string;
  metricName: string;
  dimensions: Map<string, string>;
  periodMs: number;
  stat: Statistic;
}

function readQuery(raw: unknown, index: number): MetricQuery | undefined {
  const path = `MetricDataQueries.member.${index + 1}.`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(`The parameter ${path.slice(0, -1)} must be an object.`);
  const query = raw as JsonObject;
  const id = stringField(query, 'Id', path);
  if (!QUERY_ID.test(id)) throw invalid(`The value ${id} for parameter ${path}Id is not valid: start with a lower-case letter, then letters, digits or underscores.`);
  const hasStat = query.MetricStat !== undefined;
  if (hasStat === (query.Expression !== undefined)) {
    throw new CloudWatchInputError(
      cloudWatchError('InvalidParameterCombinationException', 'InvalidParameterCombination', `Exactly one of ${path}MetricStat and ${path}Expression must be given.`),
    );
  }
  if (!hasStat) throw invalid(`${path}Expression: metric math is not supported by the sandbox; use MetricStat.`);
  if (query.ReturnData === false) return undefined;
  const metricStat = objectField(query, 'MetricStat', path);
  const metric = objectField(metricStat, 'Metric', `${path}MetricStat.`);
  const period = numberField(metricStat, 'Period', `${path}MetricStat.`);
  if (!Number.isInteger(period) || period < 1 || (period >= 60 && period % 60 !== 0)) {
    throw invalid(`The parameter ${path}MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60.`);
  }
  const statName = stringField(metricStat, 'Stat', `${path}MetricStat.`);
  const stat = statistic(statName);
  if (!stat) throw invalid(`The value ${statName} for parameter ${path}MetricStat.Stat is not a known statistic.`);
  const dimensions = new Map<string, string>();
  const rawDimensions = metric.Dimensions ?? [];
  if (!Array.isArray(rawDimensions)) throw invalid(`The parameter ${path}MetricStat.Metric.Dimensions must be a list.`);
  rawDimensions.forEach((dimension: unknown, d) => {
    const dimensionPath = `${path}MetricStat.Metric.Dimensions.member.${d + 1}.`;
    if (typeof dimension !== 'object' || dimension === null) throw invalid(`The parameter ${dimensionPath.slice(0, -1)} must be an object.`);
    dimensions.set(stringField(dimension as JsonObject, 'Name', dimensionPath), stringField(dimension as JsonObject, 'Value', dimensionPath));
  });
  return {
    id,
    label: typeof query.Label === 'string' ? query.Label : undefined,
    namespace: stringField(metric, 'Namespace', `${path}MetricStat.Metric.`),
    metricName: stringField(metric, 'MetricName', `${path}MetricStat.Metric.`),
    dimensions,
    periodMs: period * 1000,
    stat,
  };
}

const seriesKey = (region: string, clusterId: string) => `${region}/${clusterId}`;

/** The lag series a query names, or undefined for any other metric (no data, like CloudWatch). */
function lagSeries(query: MetricQuery, region: string): string | undefined {
  const clusterId = query.dimensions.get(RPO_LAG_METRIC.dimension);
  const isLagMetric = query.namespace === RPO_LAG_METRIC.namespace && query.metricName === RPO_LAG_METRIC.name;
  return isLagMetric && clusterId !== undefined && query.dimensions.size === 1 ? seriesKey(region, clusterId) : undefined;
}

export function createCloudWatchEmulator(options: CloudWatchEmulatorOptions): CloudWatchEmulator {
  const clock = options.clock ?? Date.now;
  const history = new MetricHistory(options.retentionMs ?? 3 * 3600_000);
  const counts = new Map<string, number>();

  const sample = () => {
    const at = clock();
    for (const lag of options.rds.secondaryLags()) history.record(seriesKey(lag.region, lag.clusterId), { at, value: lag.lagMs });
  };
  const timer = setInterval(sample, options.sampleMs ?? 1000);
  timer.unref();

  function getMetricData(input: JsonObject, region: string): JsonObject {
    const queries = input.MetricDataQueries;
    if (queries === undefined) throw missing('MetricDataQueries');
    if (!Array.isArray(queries) || queries.length === 0 || queries.length > MAX_QUERIES) {
      throw invalid(`The parameter MetricDataQueries must list 1 to ${MAX_QUERIES} queries.`);
    }
    const startMs = numberField(input, 'StartTime', '') * 1000;
    const endMs = numberField(input, 'EndTime', '') * 1000;
    if (startMs >= endMs) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const scanBy = input.ScanBy ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
      throw invalid('The parameter ScanBy must be TimestampDescending or TimestampAscending.');
    }
    const parsed = queries.map(readQuery);
    const ids = parsed.flatMap((q) => (q ? [q.id] : []));
    if (new Set(ids).size !== ids.length) throw invalid('Each query in MetricDataQueries must have a unique Id.');
    sample();
    const results = parsed.flatMap((query) => {
      if (!query) return [];
      const series = lagSeries(query, region);
      const points = series === undefined ? [] : history.datapoints(series, startMs, endMs, query.periodMs, query.stat);
      if (scanBy === 'TimestampDescending') points.reverse();
      return [
        {
          Id: query.id,
          Label: query.label ?? query.metricName,
          Timestamps: points.map((p) => p.at / 1000),
          Values: points.map((p) => p.value),
          StatusCode: 'Complete',
        },
      ];
    });
    return { MetricDataResults: results, Messages: [] };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { region } = callerFromAuthorization(req.headers.authorization);
    // CloudWatch has no fault kind of its own yet: a region that is down answers nothing.
    if (region !== undefined && options.faults.regionDown(region)) {
      req.socket.destroy();
      return;
    }
    try {
      const call = await readJsonCall(req, TARGET_PREFIX);
      if (!call.ok) {
        const type = call.reason === 'cannotParse' ? 'SerializationException' : 'UnknownOperationException';
        sendJsonError(res, cloudWatchError(type, call.reason === 'cannotParse' ? 'SerializationException' : 'InvalidAction', call.message));
        return;
      }
      if (call.operation !== 'GetMetricData') {
        sendJsonError(res, cloudWatchError('UnknownOperationException', 'InvalidAction', `The sandbox's CloudWatch serves GetMetricData only, not ${call.operation}.`));
        return;
      }
      if (region === undefined) {
        sendJsonError(res, cloudWatchError('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 'Request is missing Authentication Token', 403));
        return;
      }
      // GetMetricData has no resource-level permissions: IAM evaluates it on `*`.
      const denial = options.iam?.authorize(callerFromAuthorization(req.headers.authorization), { action: `cloudwatch:${call.operation}`, resources: ['*'] });
      if (denial) {
        sendJsonError(res, cloudWatchError('AccessDeniedException', 'AccessDenied', denial.message, 403));
        return;
      }
      counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
      sendJson(res, 200, getMetricData(call.input, region));
    } catch (error) {
      if (error instanceof CloudWatchInputError) sendJsonError(res, error.error);
      else sendJsonError(res, cloudWatchError('InternalServiceFault', 'InternalServiceError', 'Internal service error', 500));
    }
  }

  return {
    handle: (req, res) => void serve(req, res),
    callCounts: () => Object.fromEntries(counts),
    stop: () => clearInterval(timer),
  };
}
