import type { ApiClient } from '../controller/api/client.js';
import type { DatabaseStatus } from '../controller/domain/types.js';
import { FcpError, RefusedError } from '../kernel/errors.js';
import type { Snapshot } from '../controller/status.js';
import { requireApi, type CommonOptions } from './context.js';

/** What `GET /v1/status` answers: the controller's snapshot and, when the replica could read it, the database. */
export type LiveStatus = Snapshot & { database?: DatabaseStatus };

/**
 * The controller as infrastructure tooling sees it: always read through a replica's API (never
 * guessed from a stack file or a config), so what a deploy acts on is what the controller knows now.
 */
export class LiveController {
  constructor(readonly client: ApiClient) {}

  status(): Promise<LiveStatus> {
    return this.client.get<LiveStatus>('/v1/status');
  }

  /**
   * The region whose cluster writes now. Refused while a plan moves the writer, or while the
   * controller's topology and the database disagree (a writer moved outside the controller and not
   * adopted yet): the answer would be stale within seconds.
   */
  async writer(): Promise<{ region: string; status: LiveStatus }> {
    const status = await this.status();
    const active = status.topology.active;
    if (active) {
      throw new RefusedError(`plan ${active.planId} (${active.operation} ${active.from} -> ${active.to}) is running: the writer is moving; run this again once \`fcp status\` shows it finished`);
    }
    const primary = status.topology.primary;
    const database = status.database?.writerRegion;
    if (database !== undefined && database !== primary) {
      throw new FcpError(`the controller's topology names ${primary} as the primary but the database's writer is ${database}: the controller has not adopted the move yet; try again in a few seconds`, { transient: true });
    }
    return { region: primary, status };
  }
}

/** The live controller named by `--api` (or FCP_API), with the token from FCP_TOKEN. */
export function liveController(options: Pick<CommonOptions, 'api'>, command: string): LiveController {
  return new LiveController(requireApi(options, command));
}
