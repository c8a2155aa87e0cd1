import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { StoreError } from './errors.js';
import type { Item } from './table.js';

/** Plain values to DynamoDB attribute values and back. Payloads travel as JSON strings. */

export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });
export const json = (value: unknown): AttributeValue => ({ S: JSON.stringify(value) });

export function optionalString(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

export function optionalNumber(item: Item, name: string): number | undefined {
  const value = item[name]?.N;
  return value === undefined ? undefined : Number(value);
}

export function requiredString(item: Item, name: string): string {
  const value = optionalString(item, name);
  if (value === undefined) throw corrupt(item, name);
  return value;
}

export function requiredNumber(item: Item, name: string): number {
  const value = optionalNumber(item, name);
  if (value === undefined) throw corrupt(item, name);
  return value;
}

export function requiredJson<T>(item: Item, name: string): T {
  const text = requiredString(item, name);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw corrupt(item, name, error);
  }
}

export function optionalJson<T>(item: Item, name: string): T | undefined {
  return item[name] === undefined ? undefined : requiredJson<T>(item, name);
}

function corrupt(item: Item, name: string, cause?: unknown): StoreError {
  return new StoreError(`state item ${item.pk?.S ?? '?'}/${item.sk?.S ?? '?'} has no valid "${name}" attribute`, {
    cause,
    context: { pk: item.pk?.S, sk: item.sk?.S, attribute: name },
  });
}
