/**
 * A small HTTP proxy in front of the real key service for client tests that play a malicious key service:
 * every request is forwarded as it is, unless the test's `rewrite` answers it instead (for example, every
 * authenticated request with `device_revoked`). Answers keep their status and JSON body.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { listen } from '../../src/node/net/listen';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly body: string;
}

/** An answer the proxy sends instead of forwarding, or undefined to forward. */
export type Rewrite = (req: ProxiedRequest) => { status: number; body: unknown } | undefined;

export interface KeyServiceProxy {
  readonly url: string;
  /** Replaced at will by the test; forwards everything by default. */
  rewrite: Rewrite;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startKeyServiceProxy(target: string): Promise<KeyServiceProxy> {
  const proxy: { rewrite: Rewrite } = { rewrite: () => undefined };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const forged = proxy.rewrite({ method, path, authorized: req.headers.authorization !== undefined, body });
      if (forged) {
        const text = JSON.stringify(forged.body);
        res.writeHead(forged.status, { 'content-type': 'application/json' }).end(text);
        return;
      }
      const headers: Record<string, string> = {};
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
      const answer = await fetch(`${target}${path}`, { method, headers, ...(body === '' ? {} : { body }) });
      const text = await answer.text();
      res.writeHead(answer.status, answer.headers.get('content-type') ? { 'content-type': answer.headers.get('content-type') ?? '' } : {}).end(text);
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
