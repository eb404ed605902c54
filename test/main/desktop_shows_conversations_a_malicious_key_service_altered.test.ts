/**
 * The desktop tells the user when the key service alters a conversation's membership (docs/client.md
 * "Membership", docs/threat-model.md), through the IPC contract over a real client core. A proxy in front of
 * the real key service lists a ghost member in one conversation: `listConversations` leaves it out,
 * `refusedConversations` names it with `membership_mismatch` (the window turns it into a sentence), and
 * opening its history or sealing to it is refused with the same code. The untouched conversation stays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationView } from '../../src/common/api/conversationSchemas';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import type { Client } from '../../src/client/client';
import type { ClientHost } from '../../src/main/desktop/clientHost';
import { createDesktopHandlers } from '../../src/main/desktop/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createEventHub } from '../../src/main/ipc/eventHub';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { newMessageId } from '../../src/common/ids';
import { cleanup, newClient, PASSWORD, provider, registered, startWorld, uniqueName } from '../client/harness';
import { startKeyServiceProxy, type KeyServiceProxy } from '../client/keyServiceProxy';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

const hostOf = (client: Client) => ({ current: async () => client, forSignIn: async () => client }) as unknown as ClientHost;

async function desktop(client: Client, serverUrl: string) {
  const policy = await createPolicyHolder(async () => mergePolicyLayers({}));
  const dispatch = createDispatcher(createDesktopHandlers({ host: hostOf(client), events: createEventHub(), serverUrl, localStack: true, policy }), (e) =>
    console.error(e),
  );
  return async (method: string, ...args: unknown[]) => {
    const r = await dispatch(method, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
}

describe('the desktop shows conversations a malicious key service altered', () => {
  it('leaves the altered one out of the list, names it with its code, and refuses to open or seal it', async () => {
    const world = await startWorld();
    proxy = await startKeyServiceProxy(world.keyService.url);
    const me = await newClient(world, 'Desktop', { keyServiceUrl: proxy.url });
    await me.register({ username: uniqueName('alice'), password: PASSWORD });
    const [bob, mallory] = [await registered(world, 'bob'), await registered(world, 'mallory')];
    const kept = await me.createConversation({ kind: 'group', name: 'kept', members: [bob.session().userId] });
    const altered = await me.createConversation({ kind: 'group', name: 'altered', members: [bob.session().userId] });
    const call = await desktop(me, proxy.url);
    expect(await call('refusedConversations')).toEqual([]);

    const ghost = { userId: mallory.session().userId, role: 'member', joinedAt: Date.now(), firstVersion: 1 };
    const withGhost = (v: ConversationView) => (v.conversationId === altered.conversationId ? { ...v, members: [...v.members, ghost] } : v);
    proxy.edit = (req, status, body) => {
      if (req.method !== 'GET' || status !== 200) return body;
      if (req.path === '/v1/conversations') return { conversations: (body as { conversations: ConversationView[] }).conversations.map(withGhost) };
      if (req.path === `/v1/conversations/${altered.conversationId}`) return withGhost(body as ConversationView);
      return body;
    };

    const listed = (await call('listConversations')) as { conversationId: string }[];
    expect(listed.map((c) => c.conversationId)).toEqual([kept.conversationId]);
    expect(await call('refusedConversations')).toEqual([{ conversationId: altered.conversationId, code: 'membership_mismatch', message: expect.any(String) }]);
    await expect(call('membershipHistory', altered.conversationId)).rejects.toMatchObject({ code: 'membership_mismatch' });
    await expect(
      call('sealMessage', altered.conversationId, { id: newMessageId(provider), sentAt: Date.now(), type: 'string', body: 'to the ghost?' }),
    ).rejects.toMatchObject({ code: 'membership_mismatch' });
  });
});
