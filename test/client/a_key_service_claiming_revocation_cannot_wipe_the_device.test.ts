/**
 * Attack: a malicious key service answers `device_revoked` to a device that was never revoked (docs/protocol.md
 * §17, docs/client.md "Revoked devices"). A small proxy in front of the real key service rewrites the answers.
 * Without the account's signed statement revoking this very device — none at all, or one signed by a key
 * the service chose — the client erases nothing: it keeps its keys and state, fails with
 * `revocation_unproven` and tells its listeners; once the service answers honestly again, it works on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateAccountIdentity } from '../../src/common/protocol/identity';
import { signDeviceRevocation } from '../../src/common/protocol/deviceRevocation';
import type { RevocationUnprovenError } from '../../src/client/errors';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { cleanup, newClient, PASSWORD, provider, registered, startWorld, uniqueName } from './harness';
import { startKeyServiceProxy, type KeyServiceProxy, type Rewrite } from './keyServiceProxy';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

const REVOKED = { status: 401, body: { error: { code: 'device_revoked', message: 'this device has been revoked' } } };

/** Every authenticated request and every refresh or device proof is answered `device_revoked`. */
const claimRevoked = (): Rewrite => (req) => {
  if (req.path.endsWith('/revocation')) return undefined;
  if (req.authorized || req.path === '/v1/auth/refresh' || req.path === '/v1/auth/device-session') return REVOKED;
  return undefined;
};

describe('a key service that claims this device was revoked, without proof', () => {
  it('erases nothing, fails with revocation_unproven and recovers when the service answers honestly', async () => {
    const world = await startWorld();
    proxy = await startKeyServiceProxy(world.keyService.url);
    const vault = new InMemoryVaultForTests();
    const alice = await newClient(world, "alice's desktop", { vault, keyServiceUrl: proxy.url });
    await alice.register({ username: uniqueName('alice'), password: PASSWORD });
    const bob = await registered(world, 'bob');
    const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId] });
    const unproven: RevocationUnprovenError[] = [];
    let erased = 0;
    alice.onRevocationUnproven((e) => unproven.push(e));
    alice.onRevoked(() => erased++);

    proxy.rewrite = claimRevoked();
    await expect(alice.checkAccess()).rejects.toMatchObject({ code: 'revocation_unproven', category: 'crypto' });
    await expect(alice.conversation(dm.conversationId)).rejects.toMatchObject({ code: 'revocation_unproven' });
    expect(unproven.length).toBeGreaterThanOrEqual(2);
    expect(unproven[0]?.message).toContain('could not prove it');
    expect(erased).toBe(0);
    expect(alice.isSignedIn).toBe(true);
    const kept = await vault.load();
    expect(kept, 'the keychain still holds the account and device keys').not.toBeNull();
    expect(kept?.account.privateKey.length).toBe(32);

    proxy.rewrite = () => undefined;
    expect((await alice.conversation(dm.conversationId)).conversationId).toBe(dm.conversationId);
    expect(erased).toBe(0);
  });

  it('a statement the service signed itself (or for another device) does not prove it either', async () => {
    const world = await startWorld();
    proxy = await startKeyServiceProxy(world.keyService.url);
    const vault = new InMemoryVaultForTests();
    const alice = await newClient(world, "alice's desktop", { vault, keyServiceUrl: proxy.url });
    const me = await alice.register({ username: uniqueName('alice'), password: PASSWORD });
    const serverKey = await generateAccountIdentity(provider);
    const forged = await signDeviceRevocation(provider, { v: 1, userId: me.userId, deviceId: me.deviceId, revokedAt: Date.now() }, serverKey.privateKey);
    const statements = [forged, { ...forged, deviceId: 'another-device-0001' }, { not: 'a statement' }];
    let erased = 0;
    alice.onRevoked(() => erased++);
    for (const statement of statements) {
      const base = claimRevoked();
      proxy.rewrite = (req) => (req.path.endsWith('/revocation') ? { status: 200, body: { revocation: statement } } : base(req));
      await expect(alice.checkAccess()).rejects.toMatchObject({ code: 'revocation_unproven' });
    }
    expect(erased).toBe(0);
    expect(alice.isSignedIn).toBe(true);
    expect(await vault.load()).not.toBeNull();
  });
});
