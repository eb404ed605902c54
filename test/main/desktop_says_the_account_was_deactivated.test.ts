/**
 * The desktop when the organisation deactivates the account (docs/operations.md "Offboarding and the admin
 * CLI"), through the IPC contract over a real client core, key service and relay: the next request is refused
 * with `account_deactivated`, main keeps the device's keys (the organisation is not the account: nothing is
 * erased) and tells the window with `warning: accountDeactivated` on the session, which the window turns into
 * a sentence. Once IT reactivates the account the device proves itself for a new session and works again.
 */
import { afterEach, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import type { Session } from '../../src/common/ipc/schemas/session';
import { InMemoryVaultForTests } from '../../src/client/vault';
import type { Client } from '../../src/client/client';
import type { ClientHost } from '../../src/main/desktop/clientHost';
import { createDesktopHandlers } from '../../src/main/desktop/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createEventHub, type EventMessage } from '../../src/main/ipc/eventHub';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { runAdmin } from '../../src/server/adminCli';
import { cleanup, newClient, PASSWORD, startWorld, uniqueName, waitFor, type World } from '../client/harness';

afterEach(cleanup);

const hostOf = (client: Client) => ({ current: async () => client, forSignIn: async () => client }) as unknown as ClientHost;
const admin = (world: World, ...args: string[]) => runAdmin(['--data', world.serviceDir, ...args], {}, 'cli:test');

it('a deactivated account is told in a sentence and keeps its keys; reactivated, the device works again', async () => {
  const world = await startWorld();
  const vault = new InMemoryVaultForTests();
  const client = await newClient(world, 'Desktop', { vault });
  const me = await client.register({ username: uniqueName('bob'), password: PASSWORD });
  const hub = createEventHub();
  const events: EventMessage[] = [];
  hub.attach((m) => events.push(m));
  const policy = await createPolicyHolder(async () => mergePolicyLayers({}));
  const dispatch = createDispatcher(createDesktopHandlers({ host: hostOf(client), events: hub, serverUrl: world.keyService.url, localStack: true, policy }));
  const call = async (method: string, ...args: unknown[]) => {
    const r = await dispatch(method, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
  expect(((await call('session')) as Session).state).toBe('signedIn');
  expect(await call('listDevices')).toHaveLength(1);

  await admin(world, 'deactivate', me.username, '--reason', 'left');
  await expect(call('listDevices')).rejects.toMatchObject({ code: 'account_deactivated' });
  await waitFor('the session event with the warning', () =>
    events.some((e) => e.name === 'sessionChanged' && (e.payload as { warning?: string }).warning === 'accountDeactivated'),
  );
  expect(await call('session')).toMatchObject({ state: 'signedIn', warning: 'accountDeactivated' });
  expect(client.isSignedIn).toBe(true);
  expect(await vault.load(), 'nothing is erased: the organisation is not the account').not.toBeNull();

  await admin(world, 'reactivate', me.username, '--reason', 'back');
  // The refresh token's session ended with the deactivation: the device proves itself for a new session.
  expect(await call('listDevices')).toHaveLength(1);
});
