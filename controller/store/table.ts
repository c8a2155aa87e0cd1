import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { StoreError, StoreUnavailableError } from './errors.js';
import { isConditionalCheckFailed, toStoreError } from './dynamo-errors.js';

export type Item = Record<string, AttributeValue>;

const CONDITION_FAILED = Symbol('condition failed');

export interface Key {
  pk: string;
  sk: string;
}

/** A condition or update expression with its placeholders. */
export interface Expression {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, AttributeValue>;
}

export interface QueryOptions {
  /** Newest (highest sort key) first. */
  descending?: boolean;
  /** Stop after this many items. */
  limit?: number;
  /** Only sort keys strictly below this one. */
  skBelow?: string;
  /** Only sort keys at or above this one (not with `skBelow`). */
  skFrom?: string;
}

export interface TableOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Deadline of one store call, SDK retries included. */
  callTimeoutMs: number;
}

/**
 * The one table, keyed by `pk`/`sk` strings, through the only operations dynalite and DynamoDB
 * share for this purpose: strongly consistent reads and single-item conditional writes. Every call
 * carries an AbortSignal deadline; every failure becomes a StoreError.
 */
export class Table {
  readonly name: string;
  private readonly client: DynamoDBClient;
  private readonly callTimeoutMs: number;

  constructor(options: TableOptions) {
    this.client = options.client;
    this.name = options.tableName;
    this.callTimeoutMs = options.callTimeoutMs;
  }

  async get(key: Key): Promise<Item | undefined> {
    const output = await this.call('GetItem', key, (abortSignal) =>
      this.client.send(new GetItemCommand({ TableName: this.name, Key: keyOf(key), ConsistentRead: true }), { abortSignal }),
    );
    return output.Item;
  }

  /** Puts the item; false when `condition` did not hold (nothing was written). */
  async put(item: Item, condition?: Expression): Promise<boolean> {
    const key = { pk: item.pk?.S ?? '', sk: item.sk?.S ?? '' };
    const output = await this.callConditional('PutItem', key, (abortSignal) =>
      this.client.send(new PutItemCommand({ TableName: this.name, Item: item, ...(condition && conditionParams(condition)) }), {
        abortSignal,
      }),
    );
    return output !== CONDITION_FAILED;
  }

  /** Applies `update` when `condition` holds and returns the new item; undefined when it did not hold. */
  async update(key: Key, update: Expression, condition?: Expression): Promise<Item | undefined> {
    const merged = mergeExpressions(update, condition);
    const output = await this.callConditional('UpdateItem', key, (abortSignal) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: keyOf(key),
          UpdateExpression: update.expression,
          ...(condition && { ConditionExpression: condition.expression }),
          ...(merged.names && { ExpressionAttributeNames: merged.names }),
          ...(merged.values && { ExpressionAttributeValues: merged.values }),
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal },
      ),
    );
    return output === CONDITION_FAILED ? undefined : (output.Attributes ?? {});
  }

  /** Items of one partition in sort-key order, following pages until `limit` or the end. */
  async query(pk: string, options: QueryOptions = {}): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const remaining = options.limit === undefined ? undefined : options.limit - items.length;
      const output = await this.call('Query', { pk, sk: options.skBelow ?? options.skFrom ?? '' }, (abortSignal) =>
        this.client.send(
          new QueryCommand({
            TableName: this.name,
            KeyConditionExpression: options.skBelow !== undefined ? 'pk = :pk AND sk < :below' : options.skFrom !== undefined ? 'pk = :pk AND sk >= :from' : 'pk = :pk',
            ExpressionAttributeValues: {
              ':pk': { S: pk },
              ...(options.skBelow !== undefined && { ':below': { S: options.skBelow } }),
              ...(options.skBelow === undefined && options.skFrom !== undefined && { ':from': { S: options.skFrom } }),
            },
            ConsistentRead: true,
            ScanIndexForward: !options.descending,
            ...(remaining !== undefined && { Limit: remaining }),
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
          { abortSignal },
        ),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey && (options.limit === undefined || items.length < options.limit));
    return items;
  }

  /**
   * Creates the table (on-demand, pk/sk strings) unless it exists, and waits until it is ACTIVE.
   * For the embedded store only: in AWS the table is part of the infra stack.
   */
  async ensureTable(waitMs = 30_000): Promise<void> {
    const status = await this.describeStatus();
    if (status === undefined) {
      try {
        await this.call('CreateTable', { pk: '', sk: '' }, (abortSignal) =>
          this.client.send(
            new CreateTableCommand({
              TableName: this.name,
              AttributeDefinitions: [
                { AttributeName: 'pk', AttributeType: 'S' },
                { AttributeName: 'sk', AttributeType: 'S' },
              ],
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
              ],
              BillingMode: 'PAY_PER_REQUEST',
            }),
            { abortSignal },
          ),
        );
      } catch (error) {
        // Another replica created it first.
        if ((error as StoreError).context?.errorName !== 'ResourceInUseException') throw error;
      }
    }
    const deadline = Date.now() + waitMs;
    while ((await this.describeStatus()) !== 'ACTIVE') {
      if (Date.now() > deadline) {
        throw new StoreUnavailableError(`state table "${this.name}" did not become ACTIVE within ${waitMs}ms`, {
          context: { table: this.name },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async describeStatus(): Promise<string | undefined> {
    try {
      const output = await this.call('DescribeTable', { pk: '', sk: '' }, (abortSignal) =>
        this.client.send(new DescribeTableCommand({ TableName: this.name }), { abortSignal }),
      );
      return output.Table?.TableStatus;
    } catch (error) {
      if ((error as StoreError).context?.errorName === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  /** Sends one request under the call deadline. A failed condition is an answer, not an error. */
  private async callConditional<T>(operation: string, key: Key, send: (signal: AbortSignal) => Promise<T>): Promise<T | typeof CONDITION_FAILED> {
    try {
      return await send(AbortSignal.timeout(this.callTimeoutMs));
    } catch (error) {
      if (isConditionalCheckFailed(error)) return CONDITION_FAILED;
      throw toStoreError(error, operation, { table: this.name, pk: key.pk, sk: key.sk, timeoutMs: this.callTimeoutMs });
    }
  }

  /** For calls without a condition: the condition-failed answer cannot occur. */
  private async call<T>(operation: string, key: Key, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const output = await this.callConditional(operation, key, send);
    if (output === CONDITION_FAILED) throw new StoreError(`state store ${operation}: unexpected condition failure`, { context: { table: this.name } });
    return output;
  }
}

function keyOf(key: Key): Item {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}

function conditionParams(condition: Expression) {
  return {
    ConditionExpression: condition.expression,
    ...(condition.names && { ExpressionAttributeNames: condition.names }),
    ...(condition.values && { ExpressionAttributeValues: condition.values }),
  };
}

function mergeExpressions(a: Expression, b: Expression | undefined): Pick<Expression, 'names' | 'values'> {
  const names = { ...a.names, ...b?.names };
  const values = { ...a.values, ...b?.values };
  return {
    ...(Object.keys(names).length > 0 && { names }),
    ...(Object.keys(values).length > 0 && { values }),
  };
}
