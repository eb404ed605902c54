/**
 * The desktop's session handlers and its answer to an unproven revocation (docs/client.md "Sessions",
 * "Revoked devices"), through the IPC contract over a real client core. A proxy in front of the real key
 * service plays a malicious service that answers `device_revoked` without a signed statement: main keeps
 * the device signed in (its keys stay in the vault) and tells the renderer with `warning: revocationUnproven`
 * on the session, which the window turns into a sentence. The sessions methods list, end one, sign out
 * everywhere else and change the password; results carry no token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import type { Session } from '../../src/common/ipc/schemas/session';
import { InMemoryVaultForTests } from '../../src/client/vault';
import type { Client } from '../../src/client/client';
import type { ClientHost } from '../../src/main/desktop/clientHost';
import { createDesktopHandlers } from '../../src/main/desktop/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createEventHub, type EventMessage } from '../../src/main/ipc/eventHub';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { cleanup, newClient, PASSWORD, startWorld, uniqueName, waitFor } from '../client/harness';
import { startKeyServiceProxy, type KeyServiceProxy } from '../client/keyServiceProxy';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

const hostOf = (client: Client) => ({ current: async () => client, forSignIn: async () => client }) as unknown as ClientHost;

async function desktop(client: Client, serverUrl: string) {
  const hub = createEventHub();
  const events: EventMessage[] = [];
  hub.attach((m) => events.push(m));
  const policy = await createPolicyHolder(async () => mergePolicyLayers({}));
  const dispatch = createDispatcher(createDesktopHandlers({ host: hostOf(client), events: hub, serverUrl, localStack: true, policy }), (e) => console.error(e));
  const call = async (method: string, ...args: unknown[]) => {
    const r = await dispatch(method, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
  return { call, events };
}

describe('the desktop: sessions and an unproven revocation', () => {
  it('keeps the device and warns when the key service claims a revocation it cannot prove', async () => {
    const world = await startWorld();
    proxy = await startKeyServiceProxy(world.keyService.url);
    const vault = new InMemoryVaultForTests();
    const client = await newClient(world, 'Desktop', { vault, keyServiceUrl: proxy.url });
    await client.register({ username: uniqueName('alice'), password: PASSWORD });
    const { call, events } = await desktop(client, proxy.url);
    expect(((await call('session')) as Session).state).toBe('signedIn');

    proxy.rewrite = (req) =>
      req.authorized || req.path === '/v1/auth/refresh' ? { status: 401, body: { error: { code: 'device_revoked', message: 'revoked' } } } : undefined;
    await expect(call('listDevices')).rejects.toMatchObject({ code: 'revocation_unproven' });
    await waitFor('the session event with the warning', () =>
      events.some((e) => e.name === 'sessionChanged' && (e.payload as Session).state === 'signedIn' && 'warning' in (e.payload as object)),
    );
    const warned = events.filter((e) => e.name === 'sessionChanged').at(-1)?.payload as Session;
    expect(warned).toMatchObject({ state: 'signedIn', warning: 'revocationUnproven' });
    expect(client.isSignedIn).toBe(true);
    expect(await vault.load()).not.toBeNull();
    expect(events.some((e) => e.name === 'sessionChanged' && (e.payload as Session).state === 'signedOut')).toBe(false);
  });

  it('lists sessions, ends one, signs out everywhere else and changes the password; no token crosses', async () => {
    const world = await startWorld();
    const client = await newClient(world, 'Desktop');
    const me = await client.register({ username: uniqueName('alice'), password: PASSWORD });
    const { call } = await desktop(client, world.keyService.url);
    const login = () =>
      fetch(`${world.keyService.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: me.username, password: PASSWORD }),
      });
    expect((await login()).status).toBe(200);
    expect((await login()).status).toBe(200);

    type Listed = { sessionId: string; kind: string; current: boolean; deviceId: string | null };
    const listed = (await call('listSessions')) as Listed[];
    expect(JSON.stringify(listed)).not.toMatch(/token/i);
    expect(listed.filter((s) => s.current)).toEqual([expect.objectContaining({ kind: 'device', deviceId: me.deviceId })]);
    const intruders = listed.filter((s) => s.kind === 'password');
    expect(intruders).toHaveLength(2);
    const left = (await call('endSession', intruders[0]?.sessionId)) as Listed[];
    expect(left.map((s) => s.sessionId)).not.toContain(intruders[0]?.sessionId);
    expect(await call('endOtherSessions')).toEqual({ endedSessions: 1 });
    await expect(call('changePassword', { currentPassword: 'not the password', newPassword: 'a brand new password' })).rejects.toMatchObject({
      code: 'wrong_password',
    });
    await expect(call('changePassword', { currentPassword: PASSWORD, newPassword: 'short' })).rejects.toMatchObject({ code: 'invalid_arguments' });
    expect(await call('changePassword', { currentPassword: PASSWORD, newPassword: 'a brand new password' })).toEqual({ endedSessions: 0 });
    expect((await login()).status).toBe(401);
    expect(((await call('listSessions')) as Listed[]).map((s) => s.current)).toEqual([true]);
  });
});
