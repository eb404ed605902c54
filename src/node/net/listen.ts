/**
 * Listening a Node server and naming where it listens (docs/architecture.md, "Events and listening
 * servers"): `listen(server)` binds it to loopback (127.0.0.1) on any free port unless told a host or
 * port, resolves once it listens — or rejects with the bind error (port taken, unknown host) — and answers
 * its address in the forms callers need. Every server, relay, web host and test server of ours starts
 * this way.
 */
import type { Server } from 'node:net';

export const LOOPBACK_HOST = '127.0.0.1';

export interface ListenOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default LOOPBACK_HOST. */
  readonly host?: string;
}

/** Where a server listens. */
export interface ListeningAddress {
  /** The host it was asked to bind (as given, IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** `host:port` (IPv6 in brackets): the PubNub SDK's `origin` (with `ssl: false`). */
  readonly origin: string;
  /** `http://host:port`: the base URL, and the web origin. */
  readonly url: string;
}

export function listen(server: Server, options: ListenOptions = {}): Promise<ListeningAddress> {
  const host = options.host ?? LOOPBACK_HOST;
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(listeningAddress(server, host));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port ?? 0, host);
  });
}

/** The address of a server already listening on `host`. */
export function listeningAddress(server: Server, host: string = LOOPBACK_HOST): ListeningAddress {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  const origin = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return { host, port: address.port, origin, url: `http://${origin}` };
}
