/**
 * A small HTTP proxy in front of the real key service for client tests that play a malicious key service:
 * every request is forwarded as it is, unless the test's `rewrite` answers it instead (for example, every
 * authenticated request with `device_revoked`). A forwarded JSON answer passes through the test's `edit`,
 * which may change its body (add a ghost member to a conversation view, drop a statement from a chain,
 * swap a wrap); the status is kept. Every request the proxy received is in `requests`, in order, so a
 * test can check what the client did (or never did) through it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { listen } from '../../src/node/net/listen';

export interface ProxiedRequest {
  readonly method: string;
  /** The path with its query string, e.g. `/v1/conversations/c1/membership?after=-1&limit=500`. */
  readonly path: string;
  readonly authorized: boolean;
  readonly body: string;
}

/** An answer the proxy sends instead of forwarding, or undefined to forward. */
export type Rewrite = (req: ProxiedRequest) => { status: number; body: unknown } | undefined;

/**
 * Edits the real service's JSON answer to a forwarded request: answers the body to send instead (return
 * `body` itself to leave it as it is). Not called for answers that are not JSON.
 */
export type Edit = (req: ProxiedRequest, status: number, body: unknown) => unknown;

export interface KeyServiceProxy {
  readonly url: string;
  /** Replaced at will by the test; forwards everything by default. */
  rewrite: Rewrite;
  /** Replaced at will by the test; leaves every answer as it is by default. */
  edit: Edit;
  /** Every request received, in order (rewritten ones included). */
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startKeyServiceProxy(target: string): Promise<KeyServiceProxy> {
  const proxy: { rewrite: Rewrite; edit: Edit; requests: ProxiedRequest[] } = {
    rewrite: () => undefined,
    edit: (_req, _status, body) => body,
    requests: [],
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const request: ProxiedRequest = { method, path, authorized: req.headers.authorization !== undefined, body };
      proxy.requests.push(request);
      const forged = proxy.rewrite(request);
      if (forged) {
        const text = JSON.stringify(forged.body);
        res.writeHead(forged.status, { 'content-type': 'application/json' }).end(text);
        return;
      }
      const headers: Record<string, string> = {};
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
      const answer = await fetch(`${target}${path}`, { method, headers, ...(body === '' ? {} : { body }) });
      const contentType = answer.headers.get('content-type');
      let text = await answer.text();
      if (contentType?.includes('json') && text !== '') text = JSON.stringify(proxy.edit(request, answer.status, JSON.parse(text) as unknown));
      res.writeHead(answer.status, contentType ? { 'content-type': contentType } : {}).end(text);
    })().catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });
  const { url } = await listen(server);
  return Object.assign(proxy, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
