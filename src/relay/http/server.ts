/**
 * The relay's HTTP/1.1 server (Node `http`): CORS preflights, routing, key checks, Access Manager, and the
 * mapping of every failure to a JSON 4xx the SDK understands — a request never crashes the relay. Oversized
 * request heads are answered by the `clientError` hook with a JSON 413. Graceful close answers held subscribe
 * requests, lets in-flight requests finish and then closes every connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BadRequestError, MethodNotAllowedError, NotFoundError, RelayError } from '../errors';
import { LIMITS } from '../options';
import type { RelayCore } from '../relayCore';
import { ROUTES } from '../routes';
import { findRoute } from './router';
import { parseMethod, toIncoming } from './incoming';
import { CORS_HEADERS, errorReply, writePreflight, writeReply, type ErrorShape, type Reply } from './reply';

export interface RelayServer {
  readonly server: Server;
  /** Stops accepting, answers held long-polls, waits for in-flight requests, closes all connections. */
  close(): Promise<void>;
}

function internalError(): Reply {
  return {
    status: 500,
    body: JSON.stringify({ status: 500, error: true, message: 'Internal relay error', service: 'Relay', code: 'internal' }),
  };
}

async function dispatch(core: RelayCore, req: IncomingMessage, res: ServerResponse): Promise<{ reply: Reply; shape: ErrorShape }> {
  let shape: ErrorShape = 'object';
  try {
    const method = parseMethod(req.method);
    if (method === undefined) throw new MethodNotAllowedError(`Method ${String(req.method).slice(0, 16)} is not supported`);
    const incoming = toIncoming(req, res, method, req.url ?? '/');
    const match = findRoute(ROUTES, method, incoming.segments);
    if (match.kind === 'none') throw new NotFoundError('unknown_endpoint', `No relay endpoint at ${incoming.rawPath.slice(0, 200)}`);
    if (match.kind === 'wrongMethod') throw new MethodNotAllowedError(`Use ${match.allowed.join(' or ')} for this endpoint`);
    shape = match.route.errorShape;
    const prepared = await match.route.prepare({ incoming, core, params: match.params });
    await core.access.authorize(prepared.access, incoming, async () => (await incoming.body()).toString('utf8'));
    return { reply: await prepared.execute(), shape };
  } catch (error) {
    if (error instanceof RelayError) return { reply: errorReply(error, shape, core.clock.current()), shape };
    if (error instanceof URIError) {
      return { reply: errorReply(new BadRequestError('malformed_path', 'Malformed request'), shape, core.clock.current()), shape };
    }
    process.stderr.write(`relay: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return { reply: internalError(), shape };
  }
}

function refuseHead(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 413 : 400;
  const body = JSON.stringify({
    status,
    error: true,
    message: tooLarge ? 'Request is too large' : 'Malformed HTTP request',
    service: 'Relay',
    code: tooLarge ? 'body_too_large' : 'malformed_path',
  });
  const headers = Object.entries({ ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Payload Too Large' : 'Bad Request'}\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export function createRelayServer(core: RelayCore): RelayServer {
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server = createServer({ maxHeaderSize: LIMITS.headerBytes }, (req, res) => {
    if (closing) {
      req.socket.destroy();
      return;
    }
    if (req.method === 'OPTIONS') {
      writePreflight(
        res,
        req.headers['access-control-request-headers'],
        req.headers['access-control-request-private-network'] === 'true',
      );
      return;
    }
    inFlight += 1;
    void dispatch(core, req, res)
      .then(({ reply }) => writeReply(res, reply, closing))
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  });
  server.maxConnections = LIMITS.maxConnections;
  server.on('clientError', refuseHead);

  const close = async () => {
    if (closing) return;
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    core.hub.polls.closeAll();
    if (inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (drained = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
    }
    server.closeAllConnections();
    await stopped;
  };
  return { server, close };
}
