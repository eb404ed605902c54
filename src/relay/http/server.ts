/**
 * The relay's HTTP/1.1 server (Node `http`): CORS preflights, routing, key checks, Access Manager, and the
 * mapping of every failure to a JSON 4xx the SDK understands — a request never crashes the relay. Oversized
 * request heads are answered by the `clientError` hook with a JSON 413. Graceful close stops listening, answers
 * held subscribe requests (and any that still arrive on open connections) with `connection: close`, lets
 * in-flight requests finish and then closes every connection — so clients see a refused connection, which both
 * SDK subscribe loops treat as a network error and retry, rather than a reset mid-request. Connections beyond
 * the configured cap get a JSON 503 `connections_full` to their first request and are closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { BadRequestError, MethodNotAllowedError, NotFoundError, RelayBusyError, RelayError } from '../errors';
import { LIMITS } from '../options';
import type { RelayContext } from '../relayContext';
import { ROUTES } from '../routes';
import { findRoute } from './router';
import { parseMethod, toIncoming } from './incoming';
import { CORS_HEADERS, errorReply, writePreflight, writeReply, type ErrorShape, type Reply } from './reply';

export interface RelayServer {
  readonly server: Server;
  /** Stops accepting, answers held long-polls, waits for in-flight requests, closes all connections. */
  close(): Promise<void>;
}

/** How long open connections may still bring a request (answered with `connection: close`) during close. */
const CLOSE_GRACE_MS = 300;

function internalError(): Reply {
  return {
    status: 500,
    body: JSON.stringify({ status: 500, error: true, message: 'Internal relay error', service: 'Relay', code: 'internal' }),
  };
}

async function dispatch(relay: RelayContext, req: IncomingMessage, res: ServerResponse): Promise<{ reply: Reply; shape: ErrorShape }> {
  let shape: ErrorShape = 'object';
  try {
    const method = parseMethod(req.method);
    if (method === undefined) throw new MethodNotAllowedError(`Method ${String(req.method).slice(0, 16)} is not supported`);
    const incoming = toIncoming(req, res, method, req.url ?? '/');
    const match = findRoute(ROUTES, method, incoming.segments);
    if (match.kind === 'none') throw new NotFoundError('unknown_endpoint', `No relay endpoint at ${incoming.rawPath.slice(0, 200)}`);
    if (match.kind === 'wrongMethod') throw new MethodNotAllowedError(`Use ${match.allowed.join(' or ')} for this endpoint`);
    shape = match.route.errorShape;
    const prepared = await match.route.prepare({ incoming, relay, params: match.params });
    const grants = await relay.access.authorize(prepared.access, incoming, async () => (await incoming.body()).toString('utf8'));
    return { reply: await prepared.execute(grants), shape };
  } catch (error) {
    if (error instanceof RelayError) return { reply: errorReply(error, shape, relay.clock.current()), shape };
    if (error instanceof URIError) {
      return { reply: errorReply(new BadRequestError('malformed_path', 'Malformed request'), shape, relay.clock.current()), shape };
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

/** Connections over the cap that still get an answer, and how long one may stay silent. */
const OVER_CAP_ANSWERED = 256;
const OVER_CAP_IDLE_MS = 5_000;

export function createRelayServer(relay: RelayContext): RelayServer {
  const overCap = new WeakSet<Socket>();
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server = createServer({ maxHeaderSize: LIMITS.headerBytes }, (req, res) => {
    if (req.method === 'OPTIONS') {
      writePreflight(res, req.headers['access-control-request-headers'], req.headers['access-control-request-private-network'] === 'true');
      return;
    }
    if (overCap.has(req.socket)) {
      const busy = new RelayBusyError('connections_full', `The relay has its most open connections (${relay.config.limits.connections}); retry later`);
      writeReply(res, errorReply(busy, 'object', relay.clock.current()), true);
      return;
    }
    inFlight += 1;
    void dispatch(relay, req, res)
      .then(({ reply }) => writeReply(res, reply, closing))
      .catch(() => res.destroy())
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  });
  // Connections over the cap are kept just long enough to answer their first request with a typed 503 and
  // `connection: close` (a silent drop would look like a network fault); one that sends nothing is dropped.
  const cap = relay.config.limits.connections;
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open += 1;
    socket.once('close', () => (open -= 1));
    if (open > cap) {
      overCap.add(socket);
      socket.setTimeout(OVER_CAP_IDLE_MS, () => socket.destroy());
    }
  });
  // Beyond this Node drops sockets unanswered: the cap plus room to answer a burst of refusals.
  server.maxConnections = cap + OVER_CAP_ANSWERED;
  server.on('clientError', refuseHead);

  const drain = (limitMs: number) =>
    inFlight === 0
      ? Promise.resolve()
      : Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise<void>((resolve) => setTimeout(resolve, limitMs).unref())]);

  const close = async () => {
    if (closing) return;
    closing = true;
    // Stop listening but keep open connections for a moment (http.Server#close would drop idle keep-alive
    // connections at once, racing a client that is just sending its next request on one).
    const stopped = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    relay.hub.polls.closeAll();
    await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
    await drain(5000);
    server.closeAllConnections();
    await drain(1000);
    await stopped;
  };
  return { server, close };
}
