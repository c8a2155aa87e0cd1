import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoClientOptions {
  region: string;
  /** Endpoint override (dynalite, the sandbox); omit for AWS's regional endpoint. */
  endpoint?: string;
  /** Static credentials; omit for the SDK's default chain (the task role in AWS). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  connectTimeoutMs: number;
  /** Longest wait for one HTTP answer. */
  requestTimeoutMs: number;
  /** SDK attempts per call, first included; the call deadline bounds them all. */
  maxAttempts: number;
}

/** A DynamoDB client whose every request gives up: on connect, on answer, and per call (the store's deadline). */
export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    maxAttempts: options.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  });
}
