import type { Config } from '../config/schema.js';
import { InputError } from '../../kernel/errors.js';
import { createDynamoClient } from './client.js';
import { DynamoStateStore } from './dynamo-store.js';

export interface OpenStoreOptions {
  /** The replica's region: a DynamoDB global table is written through the local replica. */
  region: string;
  /** Where the embedded store listens (the sandbox's dynalite); defaults to aws.endpoints.dynamodb. */
  endpoint?: string;
}

/** Builds the state store a replica uses from the validated config. */
export function openStateStore(config: Config, options: OpenStoreOptions): DynamoStateStore {
  const endpoint = options.endpoint ?? config.aws.endpoints.dynamodb;
  if (config.store.kind === 'embedded' && endpoint === undefined) {
    throw new InputError('the embedded store needs an endpoint', [
      'aws.endpoints.dynamodb: set it to where the embedded store listens (the sandbox serves it)',
    ]);
  }
  const { credentials } = config.aws;
  const client = createDynamoClient({
    region: options.region,
    ...(endpoint !== undefined && { endpoint }),
    ...(credentials.mode === 'static'
      ? { credentials: { accessKeyId: `${credentials.accessKeyIdPrefix}${options.region}`, secretAccessKey: credentials.secretAccessKey } }
      : config.store.kind === 'embedded'
        ? // dynalite ignores signatures, but the SDK must sign with something.
          { credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' } }
        : {}),
    connectTimeoutMs: config.aws.connectTimeout,
    requestTimeoutMs: config.aws.requestTimeout,
    maxAttempts: config.aws.retry.maxAttempts,
  });
  return new DynamoStateStore({
    client,
    tableName: config.store.tableName,
    namespace: config.name,
    // One full attempt's worth: quick failures (refused connections) may still be retried within it.
    callTimeoutMs: config.aws.connectTimeout + config.aws.requestTimeout,
  });
}
