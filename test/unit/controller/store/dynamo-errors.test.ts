import {
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, StoreUnavailableError } from '../../../../controller/store/errors.js';
import { Table } from '../../../../controller/store/table.js';

const dynamo = mockClient(DynamoDBClient);
afterEach(() => dynamo.reset());

const table = () => new Table({ client: new DynamoDBClient({ region: 'us-east-1' }), tableName: 'fcp-state', callTimeoutMs: 1000 });
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const serviceError = (name: string, status: number, fault: 'client' | 'server') =>
  new DynamoDBServiceException({ name, $fault: fault, message: `${name} happened`, ...meta(status) });

describe('DynamoDB error mapping', () => {
  it.each([
    { name: 'ProvisionedThroughputExceeded', error: new ProvisionedThroughputExceededException({ message: 'slow down', ...meta(400) }), transient: true },
    { name: 'ThrottlingException', error: serviceError('ThrottlingException', 400, 'client'), transient: true },
    { name: 'RequestLimitExceeded', error: new RequestLimitExceeded({ message: 'limit', ...meta(400) }), transient: true },
    { name: 'InternalServerError', error: new InternalServerError({ message: 'oops', ...meta(500) }), transient: true },
    { name: 'unknown 503', error: serviceError('SomethingNew', 503, 'server'), transient: true },
    { name: 'socket error without an answer', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), transient: true },
    { name: 'ValidationException', error: serviceError('ValidationException', 400, 'client'), transient: false },
    { name: 'AccessDeniedException', error: serviceError('AccessDeniedException', 400, 'client'), transient: false },
    { name: 'ResourceNotFoundException', error: new ResourceNotFoundException({ message: 'no table', ...meta(400) }), transient: false },
  ])('$name -> transient: $transient', async ({ error, transient }) => {
    dynamo.on(GetItemCommand).rejects(error);
    const thrown = await table()
      .get({ pk: 'p', sk: 's' })
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(StoreError);
    expect(thrown instanceof StoreUnavailableError).toBe(transient);
    expect((thrown as StoreError).transient).toBe(transient);
    expect((thrown as StoreError).cause).toBe(error);
    expect((thrown as StoreError).context).toMatchObject({ table: 'fcp-state', operation: 'GetItem', pk: 'p', sk: 's' });
  });

  it('tells how to fix a missing table', async () => {
    dynamo.on(GetItemCommand).rejects(new ResourceNotFoundException({ message: 'no table', ...meta(400) }));
    await expect(table().get({ pk: 'p', sk: 's' })).rejects.toThrow(/ensureTable\(\).*infra stack/);
  });

  it('answers a failed condition with false instead of an error', async () => {
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'nope', ...meta(400) }));
    await expect(table().put({ pk: { S: 'p' }, sk: { S: 's' } }, { expression: 'attribute_not_exists(pk)' })).resolves.toBe(false);
  });
});
