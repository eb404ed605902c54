/**
 * The `presenceEnabled` policy (docs/messaging.md "Presence", docs/deployment.md §2): when IT turns presence
 * off, main seals and opens no status (`policy_presence_disabled`, the client core is never asked), the
 * renderer is told presence is off, and the renderer's SDK (built by `pubnubFromConfig`, the real `pubnub`
 * package against the real relay, seen through a recording proxy) sends no state, follows no `-pnpres`
 * channel and has no heartbeat timer: what remains is what every PubNub subscribe says (the subscribe itself
 * and the SDK's one announcement when it subscribes, which no setting of the SDK turns off). The same SDK
 * with presence on sends repeated heartbeats — the control that shows the proxy would see them.
 * The timing: a heartbeat a minute at most by default; `SEED_PRESENCE_TIMEOUT_S` shortens it for tests only.
 */
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import type { UserId } from '../../src/common/ids';
import type { PresenceConfig } from '../../src/common/ipc/schemas/presence';
import type { ClientHost } from '../../src/main/desktop/clientHost';
import { PRESENCE_DEFAULTS, presenceHandlers, presenceTiming } from '../../src/main/desktop/presenceHandlers';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { pubnubFromConfig } from '../../src/renderer/src/chat/rendererMessaging';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const policyWith = (presenceEnabled: boolean) => {
  const policy = mergePolicyLayers({ machine: { presenceEnabled }, user: null, appConfig: null });
  return { current: () => policy, reload: async () => policy };
};

/** A host that fails the test if anything asks it for the client core. */
function untouchableHost(): ClientHost & { asked: number } {
  const host = {
    asked: 0,
    current: async () => {
      host.asked += 1;
      throw new Error('the client core was asked for');
    },
  };
  return host as unknown as ClientHost & { asked: number };
}

/** A relay behind a proxy that records every request path. */
async function recordedRelay(): Promise<{ relay: RunningRelay; origin: string; paths: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'seed-presence-off-'));
  const relay = await startRelay({ port: 0, dataDir: dir, publishKey: 'pub-c-off', subscribeKey: 'sub-c-off' });
  const paths: string[] = [];
  const [host, port] = relay.origin.split(':');
  const proxy: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const upstream = request({ host, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address() as { port: number };
  stops.push(async () => {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { relay, origin: `127.0.0.1:${address.port}`, paths };
}

function sdk(origin: string, presence: PresenceConfig): PubNub {
  const pubnub = pubnubFromConfig(
    { origin, ssl: false, subscribeKey: 'sub-c-off', publishKey: 'pub-c-off', userId: 'bob-presence-off' as UserId, token: null },
    presence,
  );
  stops.push(() => pubnub.destroy(true));
  return pubnub;
}

describe('presence turned off by policy', () => {
  it('main seals and opens nothing and tells the renderer presence is off', async () => {
    const host = untouchableHost();
    const off = presenceHandlers({ host, policy: policyWith(false), env: {} });
    expect(await off.presenceConfig()).toEqual({ enabled: false, ...PRESENCE_DEFAULTS });
    await expect(off.sealPresence('conv-presence-0001' as never, { availability: 'online', text: 'hi' })).rejects.toMatchObject({
      code: 'policy_presence_disabled',
    });
    await expect(off.openPresence('conv-presence-0001' as never, { v: 1 }, 'user-presence-01' as UserId)).rejects.toMatchObject({
      code: 'policy_presence_disabled',
    });
    expect(host.asked).toBe(0);
    // On by default.
    expect(await presenceHandlers({ host, policy: policyWith(true), env: {} }).presenceConfig()).toMatchObject({ enabled: true });
  });

  it('the timing: at most one heartbeat a minute unless a test shortens it', () => {
    expect(presenceTiming({})).toEqual({ timeoutSeconds: 150, heartbeatSeconds: 60, awayAfterSeconds: 300 });
    expect(presenceTiming({ SEED_PRESENCE_TIMEOUT_S: '20' })).toMatchObject({ timeoutSeconds: 20, heartbeatSeconds: 9 });
    expect(presenceTiming({ SEED_PRESENCE_TIMEOUT_S: '5' })).toEqual({ ...PRESENCE_DEFAULTS });
    expect(presenceTiming({ SEED_PRESENCE_TIMEOUT_S: 'soon' })).toEqual({ ...PRESENCE_DEFAULTS });
  });

  it('the renderer SDK with presence off sends no state and no repeated heartbeats; with presence on it does', async () => {
    const on = await recordedRelay();
    sdk(on.origin, { enabled: true, timeoutSeconds: 20, heartbeatSeconds: 2, awayAfterSeconds: 300 }).channel('conv.presence-on').subscription().subscribe();
    await expect.poll(() => on.paths.filter((p) => p.includes('/heartbeat')).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    const off = await recordedRelay();
    sdk(off.origin, { enabled: false, timeoutSeconds: 20, heartbeatSeconds: 9, awayAfterSeconds: 300 }).channel('conv.presence-off').subscription().subscribe();
    // The long poll after the handshake: the subscription is up.
    await expect.poll(() => off.paths.filter((p) => p.startsWith('/v2/subscribe/')).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(off.paths.filter((p) => p.includes('/data') || p.includes('state=') || p.includes('-pnpres'))).toEqual([]);
    expect(off.paths.filter((p) => p.includes('/heartbeat')).length).toBeLessThanOrEqual(1);
  });
});
