/**
 * The renderer's CSP (src/main/security/csp.ts) and where its transport origin comes from
 * (src/main/webHost/rendererTransport.ts): strict directives, exactly the PubNub/relay origin in
 * connect-src, typed refusal of anything that is not an http(s) origin.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { buildCsp, CspOriginError, transportSources } from '../../src/main/security/csp';
import { rendererTransport } from '../../src/main/webHost/rendererTransport';
import type { MainDeps } from '../../src/main/composition';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

describe('CSP builder', () => {
  it('is strict: self-only scripts without inline or eval, no plugins, no base, no forms, no framing', () => {
    const d = directives(buildCsp({ kind: 'none' }));
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(d.get('img-src')).toEqual(["'self'", 'data:']);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(buildCsp({ kind: 'relay', url: 'https://ps.pndsn.com' })).not.toMatch(/unsafe|\*\.|https:(?!\/\/)/);
  });

  it('allows exactly the managed PubNub origin over https and wss, port included', () => {
    expect(directives(buildCsp({ kind: 'relay', url: 'https://ps.pndsn.com' })).get('connect-src')).toEqual([
      "'self'",
      'https://ps.pndsn.com',
      'wss://ps.pndsn.com',
    ]);
    expect(transportSources({ kind: 'relay', url: 'https://pubnub.corp.example:8443/' })).toEqual([
      'https://pubnub.corp.example:8443',
      'wss://pubnub.corp.example:8443',
    ]);
  });

  it('allows the loopback relay over http and ws on its port, or any loopback port when the port is unknown', () => {
    expect(transportSources({ kind: 'relay', url: 'http://127.0.0.1:8090' })).toEqual(['http://127.0.0.1:8090', 'ws://127.0.0.1:8090']);
    expect(transportSources({ kind: 'loopback' })).toEqual(['http://127.0.0.1:*', 'ws://127.0.0.1:*']);
  });

  it.each([
    ['ftp://ps.pndsn.com', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['ws://ps.pndsn.com', 'scheme'],
    ['ps.pndsn.com', 'not a URL'],
    ['http://ps.pndsn.com', 'loopback'],
    ['https://user:pw@ps.pndsn.com', 'credentials'],
    ['https://ps.pndsn.com/path', 'path'],
    ['https://ps.pndsn.com/?q=1', 'query'],
    ["https://ps.pndsn.com';script-src", 'host'],
    ['https://[::1]:8090', 'host'],
  ])('refuses %s with a typed error', (url, detail) => {
    let thrown: unknown;
    try {
      buildCsp({ kind: 'relay', url });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CspOriginError);
    expect((thrown as CspOriginError).code).toBe('csp_origin_invalid');
    expect((thrown as Error).message).toContain(detail);
  });
});

describe('renderer transport for the CSP, from what main started', () => {
  const holder = (values: Record<string, unknown>) => {
    const policy = mergePolicyLayers({ machine: values });
    return { current: () => policy, reload: async () => policy };
  };
  const remote = { host: {} as never, serverUrl: 'https://keys.corp.example', localStack: false, close: async () => {} };

  it('names the managed PubNub origin when a server is configured', () => {
    const policy = holder({ serverUrl: 'https://keys.corp.example', pubnubPublishKey: 'pub-c-1', pubnubSubscribeKey: 'sub-c-1', pubnubOrigin: 'ps.pndsn.com' });
    const transport = rendererTransport({ messenger: remote, policy } as Pick<MainDeps, 'messenger' | 'policy'>, '/nonexistent');
    expect(transport).toEqual({ kind: 'relay', url: 'https://ps.pndsn.com' });
    expect(buildCsp(transport)).toContain("connect-src 'self' https://ps.pndsn.com wss://ps.pndsn.com;");
  });

  it('names the embedded relay port recorded in the Seed home, or any loopback port without a record', () => {
    const home = mkdtempSync(join(tmpdir(), 'seed-csp-home-'));
    const local = { ...remote, serverUrl: 'http://127.0.0.1:1', localStack: true };
    const deps = { messenger: local, policy: holder({}) } as Pick<MainDeps, 'messenger' | 'policy'>;
    expect(rendererTransport(deps, home)).toEqual({ kind: 'loopback' });
    mkdirSync(join(home, 'local-stack'));
    writeFileSync(
      join(home, 'local-stack/stack.json'),
      JSON.stringify({ keyServiceUrl: 'http://127.0.0.1:8787', relayOrigin: '127.0.0.1:8090', publishKey: 'p', subscribeKey: 's', pid: 1 }),
    );
    expect(rendererTransport(deps, home)).toEqual({ kind: 'relay', url: 'http://127.0.0.1:8090' });
  });

  it('allows no transport origin when the core did not start', () => {
    expect(rendererTransport({ messenger: { reason: 'no server' }, policy: holder({}) }, '/nonexistent')).toEqual({ kind: 'none' });
  });
});
