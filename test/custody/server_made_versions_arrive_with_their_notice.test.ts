/**
 * Server-trusted custody (docs/protocol.md §19.4): a version the key service made has no wrap, so the
 * listing a `key_version` notice triggers (`KeyRing.prefetch`) does not name it. The notice's version is
 * fetched by its number instead, so a member holds the key before the first message under it arrives, as
 * with a device-made version. Real clients, relay and key service on SQLite, the local KMS.
 */
import { afterEach, expect, it } from 'vitest';
import { cleanup, signedInOf, waitFor } from '../client/harness';
import { userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, pinnedClient } from './helpers';

afterEach(cleanup);

it('a member holds a server-made version once its notice arrives, before any message under it', { timeout: 120_000 }, async () => {
  const world = await worldOn('sqlite');
  const alice = await pinnedClient(world, 'alice', 'server-trusted');
  const bob = await pinnedClient(world, 'bob', 'server-trusted');
  const id = (await alice.createConversation({ kind: 'group', name: 'notice', members: [userIdOf(bob)] })).conversationId;
  // Bob's inbox is subscribed (his messaging pipeline), and he has accepted server-made keys.
  await bob.messaging();
  expect(await bob.custody()).toMatchObject({ serverKeys: 'accepted' });
  const kinds: string[] = [];
  bob.onNotice((n) => kinds.push(n.type));

  await custodyAdmin(world, 'cli:it-one')('server-trusted', '--reason', 'policy 4');
  // Alice learns the mode and rotates through the key service: version 2 is server-made.
  expect(await alice.custody()).toMatchObject({ mode: 'server-trusted' });
  expect((await alice.conversations()).find((c) => c.conversationId === id)?.currentVersion).toBe(2);

  await waitFor("bob's key for the server-made version 2", () => signedInOf(bob).ring.held(id, 2) !== undefined);
  expect(kinds).toContain('key_version');
  expect(signedInOf(bob).ring.facts(id, 2)).toMatchObject({ serverMade: true });
});
