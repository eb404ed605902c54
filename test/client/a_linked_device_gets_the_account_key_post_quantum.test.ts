/**
 * Issue 24 [pq], device-link transfers (docs/protocol.md §14.4): a new device publishes its X-Wing key in
 * the link, and the approving device seals the account identity key to it with X-Wing (`suite: "xwing"`)
 * through the real key service. A key service that strips the X-Wing key from what the approving device
 * sees (so that the account key would travel X25519-sealed, recordable for a future quantum computer) is
 * caught twice: the two devices show different confirmation codes, and if the user approves anyway the new
 * device refuses the X25519 payload (`suite_downgrade`) and never registers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, cleanup, newClient, PASSWORD, registered, startWorld, uniqueName, waitFor } from './harness';
import { startKeyServiceProxy, type KeyServiceProxy } from './keyServiceProxy';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

describe('a linked device gets the account key post-quantum', () => {
  it('the link names the new device X-Wing key and the sealed account key is X-Wing', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const laptop = await newClient(world, "alice's laptop");
    const { offer, waitUntilLinked } = await laptop.startDeviceLink({ username: alice.session().username, password: PASSWORD });
    let shown: string | undefined;
    const linked = waitUntilLinked((code) => (shown = code), { pollMs: 50 });
    const claim = await alice.claimDeviceLink(offer.qrPayload);
    await waitFor('the laptop shows the confirmation code', () => shown !== undefined);
    expect(shown).toBe(claim.confirmationCode);
    await alice.approveDeviceLink(claim.linkId, { pollMs: 50 });
    const session = await linked;
    const view = await apiOf(laptop).request('getDeviceLink', { params: { linkId: offer.linkId } });
    expect(view.newDevice.xwing).toMatch(/^[A-Za-z0-9_-]{1622}$/);
    expect(view.payload).toMatchObject({ suite: 'xwing' });
    expect(view.payload?.enc).toHaveLength(1494);
    expect((await alice.devices()).map((d) => d.deviceId)).toContain(session.deviceId);
  });

  it('a key service that strips the X-Wing key: the codes differ, and an X25519 payload is refused as suite_downgrade', async () => {
    const world = await startWorld();
    proxy = await startKeyServiceProxy(world.keyService.url);
    const alice = await newClient(world, "alice's device", { keyServiceUrl: proxy.url });
    await alice.register({ username: uniqueName('alice'), password: PASSWORD, displayName: 'alice' });
    // What alice's device is shown of the new device loses its X-Wing key.
    proxy.edit = (req, _status, body) => {
      if (!req.path.startsWith('/v1/device-links')) return body;
      const view = body as { newDevice?: Record<string, unknown> };
      if (view.newDevice === undefined) return body;
      const { xwing: _stripped, ...classical } = view.newDevice;
      return { ...view, newDevice: classical };
    };
    const laptop = await newClient(world, "alice's laptop");
    const { offer, waitUntilLinked } = await laptop.startDeviceLink({ username: alice.session().username, password: PASSWORD });
    let shown: string | undefined;
    const linked = waitUntilLinked((code) => (shown = code), { pollMs: 50 }).then(
      () => 'linked',
      (err: { code?: string }) => err.code,
    );
    // A typed code carries no fingerprint: only the confirmation codes can show the substitution.
    const claim = await alice.claimDeviceLink(offer.code);
    await waitFor('the laptop shows the confirmation code', () => shown !== undefined);
    expect(shown).not.toBe(claim.confirmationCode);
    // The user approves although the codes differ: the account key is sealed X25519 only, and refused.
    await expect(alice.approveDeviceLink(claim.linkId, { pollMs: 50, timeoutMs: 3_000 })).rejects.toMatchObject({ code: 'link_timeout' });
    expect(await linked).toBe('suite_downgrade');
    const sealed = await apiOf(alice).request('getDeviceLink', { params: { linkId: offer.linkId } });
    expect(sealed.payload?.suite).toBeUndefined();
    expect((await alice.devices()).map((d) => d.deviceId)).toEqual([alice.session().deviceId]);
  });
});
