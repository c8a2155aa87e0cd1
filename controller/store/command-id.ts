import { randomUUID } from 'node:crypto';

/** A command's id: its kind, the UTC second it was made and a random suffix (`failover-20261130112730-1a2b3c4d`). */
export function newCommandId(kind: string): string {
  return `${kind}-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}
