import type { Server } from 'node:http';
import { InputError } from '../../kernel/errors.js';

/**
 * Binds a server, turning "address in use" into an InputError that names the port and the part of
 * the sandbox that wanted it.
 */
export function listen(server: Pick<Server, 'listen' | 'once' | 'off'>, host: string, port: number, part: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new InputError(`port ${port} on ${host} is in use; the sandbox's ${part} wanted it`, [`${part}: ${host}:${port} is already in use; stop what holds it or change the port in the config`], { cause: error }));
      } else if (error.code === 'EADDRNOTAVAIL') {
        // Linux routes all of 127.0.0.0/8 to loopback; macOS has only 127.0.0.1 until aliases are added.
        reject(new InputError(`address ${host} is not available for the sandbox's ${part}`, [
          `${part}: cannot bind ${host}:${port}; on macOS add the loopback alias first (sudo ifconfig lo0 alias ${host} up), or use another 127.x.y.z address`,
        ], { cause: error }));
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes a server and drops its open connections (keep-alive clients, hanging requests). */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  return closed;
}
