/**
 * The one "listen and name the address" helper (src/node/net/listen.ts): loopback and any free port by
 * default, a given port, IPv6 hosts in brackets, and a bind error rejects instead of hanging.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, listeningAddress } from '../../src/node/net/listen';

const servers: Server[] = [];

function server(): Server {
  const s = createServer((_req, res) => res.end('ok'));
  servers.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
});

describe('listen', () => {
  it('binds 127.0.0.1 on a free port and answers the origin and the URL', async () => {
    const address = await listen(server());
    expect(address.host).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    expect(address.origin).toBe(`127.0.0.1:${address.port}`);
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
    expect(await (await fetch(address.url)).text()).toBe('ok');
  });

  it('binds the port it is given', async () => {
    const first = await listen(server());
    const port = first.port;
    await new Promise<void>((resolve) => servers[0]?.close(() => resolve()));
    expect((await listen(server(), { port })).port).toBe(port);
  });

  it('rejects with the bind error when the port is taken, and the server can listen elsewhere', async () => {
    const taken = await listen(server());
    const second = server();
    await expect(listen(second, { port: taken.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(second.listenerCount('error')).toBe(0);
    expect((await listen(second)).port).not.toBe(taken.port);
  });

  it('puts an IPv6 host in brackets', () => {
    const fake = { address: () => ({ address: '::1', family: 'IPv6', port: 8080 }) } as unknown as Server;
    expect(listeningAddress(fake, '::1')).toEqual({ host: '::1', port: 8080, origin: '[::1]:8080', url: 'http://[::1]:8080' });
  });

  it('refuses a server that is not listening', () => {
    expect(() => listeningAddress(server())).toThrow(/not listening/);
  });
});
