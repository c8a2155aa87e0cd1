// dynalite ships no types; this is the part of its API the sandbox uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }

  /** An http.Server whose close() also closes the database and whose next listen() reopens it. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
