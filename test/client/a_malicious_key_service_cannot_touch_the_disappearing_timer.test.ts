/**
 * The disappearing-messages timer is a signed membership statement (docs/protocol.md §15.8), so the key
 * service — playing the attacker here, through a proxy in front of the real one (keyServiceProxy.ts) that
 * edits what Bob's client is served — cannot set it, change it, remove it or roll it back, and a plain member
 * cannot set it: the real key service refuses a member's statement (422 `membership_rule`), and when the
 * service serves one anyway, or one it forged, Bob's client refuses the conversation with the typed code
 * (`bad_signature`, `membership_rule`, `membership_rollback`, `membership_fork`). Bob's local store keeps
 * following only the timer he verified: a forged timer deletes nothing, a hidden one still deletes.
 * Real key service (SQLite), relay, keychain (gnome-keyring under scripts/with-services.sh).
 */
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { Client } from '../../src/client/client';
import type { Identity } from '../../src/client/enrol';
import { KeyServiceError } from '../../src/client/errors';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import { advanceExpiryClockForTests, createKeychainStoreKey, STORE_KEY_ACCOUNT, type StoredMessage } from '../../src/client/store';
import { AppError } from '../../src/common/errors';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { MembershipHead } from '../../src/common/protocol/membershipHead';
import { membershipHash, parseMembershipStatement, signMembershipStatement, type MembershipStatement } from '../../src/common/protocol/membershipStatement';
import { describeBackends, freshPostgresDatabase } from '../server/helpers/backends';
import { apiOf, cleanup, newClient, PASSWORD, provider, registered, startWorld as startWorldOn, uniqueName, type World } from './harness';
import { startKeyServiceProxy, type KeyServiceProxy, type ProxiedRequest } from './keyServiceProxy';

const service = `seed-messenger.timer-${randomBytes(4).toString('hex')}`;
let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});
afterAll(async () => {
  await keytar.deletePassword(service, STORE_KEY_ACCOUNT);
});

const uid = (c: Client) => c.session().userId;
const identityOf = (c: Client) => (c as unknown as { account: { identity: Identity } }).account.identity;
const urlOf = (req: ProxiedRequest) => new URL(req.path, 'http://proxy.invalid');
const headOf = async (s: MembershipStatement): Promise<MembershipHead> => ({ seq: s.seq, hash: await membershipHash(provider, s) });

/** The typed code a promise is refused with, or 'answered'. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'answered';
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
}

async function realChain(reader: Client, id: ConversationId) {
  const page = await apiOf(reader).request('getMembership', { params: { conversationId: id } });
  if (page.head === null) throw new Error('no chain');
  return { statements: page.statements.map(parseMembershipStatement), head: page.head };
}

/** Serves Bob `statements` as the whole chain of `id`, ending at `head` (null: leave the real answer). */
function serveChain(id: ConversationId, statements: readonly MembershipStatement[], head: MembershipHead): void {
  proxy!.edit = (req, status, body) => {
    if (req.method !== 'GET' || status !== 200) return body;
    const path = urlOf(req).pathname;
    if (path === `/v1/conversations/${id}/membership`) {
      const after = Number(urlOf(req).searchParams.get('after') ?? -1);
      return { statements: statements.filter((s) => s.seq > after), head, nextAfter: null };
    }
    if (path === `/v1/conversations/${id}`) return { ...(body as object), membershipHead: head };
    if (path === '/v1/conversations') {
      const list = body as { conversations: { conversationId: string }[] };
      return { conversations: list.conversations.map((c) => (c.conversationId === id ? { ...c, membershipHead: head } : c)) };
    }
    return body;
  };
}

/** Signs a statement after `after` with `by`'s device key (or, for a forgery, a key the service made up). */
async function signAfter(by: Client, id: ConversationId, after: MembershipStatement, seconds: 0 | 300 | 86_400, forgedKey?: Uint8Array, at = Date.now()) {
  const me = identityOf(by);
  return signMembershipStatement(provider, {
    conversationId: id,
    after: await headOf(after),
    at,
    actor: me.userId,
    actorDevice: me.deviceId,
    change: { type: 'disappearing', seconds },
    signingPrivateKey: forgedKey ?? me.device.ed25519.privateKey,
  });
}

function message(id: ConversationId, sentAt: number, body: string): StoredMessage {
  return {
    conversationId: id,
    timetoken: String(BigInt(sentAt) * 10_000n),
    outcome: {
      kind: 'ok',
      plaintext: { id: randomBytes(16).toString('base64url') as MessageId, sentAt, type: 'string', body },
      senderDevice: 'dev-x' as DeviceId,
      senderUser: 'user-x' as UserId,
      keyVersion: 1,
    },
  };
}

const timerOf = async (c: Client, id: ConversationId) =>
  (await c.membershipHistory(id)).filter((e) => e.change.type === 'disappearing').map((e) => (e.change as { seconds: number }).seconds);

describeBackends('a malicious key service cannot touch the disappearing timer', (backend) => {
  const startWorld = async () => startWorldOn(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {});

  /** Alice (owner), Bob (admin, behind the proxy, with a local store) and Carol (member). */
  async function trio(world: World) {
    proxy = await startKeyServiceProxy(world.keyService.url);
    const bob = await newClient(world, "bob's device", { keyServiceUrl: proxy.url, localStoreKey: createKeychainStoreKey(createKeytarStore(service)) });
    await bob.register({ username: uniqueName('bob'), password: PASSWORD, displayName: 'bob' });
    const [alice, carol] = [await registered(world, 'alice'), await registered(world, 'carol')];
    const id = (await alice.createConversation({ kind: 'group', name: 'timer', members: [uid(bob), uid(carol)] })).conversationId;
    await alice.setMemberRole(id, uid(bob), 'admin');
    return { alice, bob, carol, id };
  }

  it('honest: an admin sets the timer, every member verifies it; a plain member is refused by the key service (membership_rule), nothing changes', async () => {
    const { alice, bob, carol, id } = await trio(await startWorld());
    await bob.setDisappearingTimer(id, 86_400);
    expect(await timerOf(alice, id)).toEqual([86_400]);
    expect(await timerOf(carol, id)).toEqual([86_400]);
    const refused = await carol.setDisappearingTimer(id, 0).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(KeyServiceError);
    expect(refused).toMatchObject({ code: 'membership_rule' });
    expect(await timerOf(alice, id)).toEqual([86_400]);
  });

  it('the key service cannot set it: a statement in Alice’s name it signed itself is bad_signature, and Bob’s store deletes nothing', async () => {
    const { alice, bob, id } = await trio(await startWorld());
    const old = Date.now() - 10 * 60_000;
    await bob.storeOpened([message(id, old, 'ten minutes old')]);
    const { statements } = await realChain(alice, id);
    // Dated an hour back, so that, were it believed, the ten-minute-old message would be deleted at once.
    const forged = await signAfter(alice, id, statements.at(-1)!, 300, (await provider.ed25519GenerateKeyPair()).privateKey, Date.now() - 60 * 60_000);
    serveChain(id, [...statements, forged], await headOf(forged));
    expect(await refusal(bob.conversation(id))).toBe('bad_signature');
    expect(await refusal(bob.membershipHistory(id))).toBe('bad_signature');
    expect((await bob.storedHistory(id, { limit: 10 })).length).toBe(1);
  });

  it('a plain member’s statement the key service serves anyway is membership_rule', async () => {
    const { carol, bob, alice, id } = await trio(await startWorld());
    const { statements } = await realChain(alice, id);
    const byCarol = await signAfter(carol, id, statements.at(-1)!, 300);
    serveChain(id, [...statements, byCarol], await headOf(byCarol));
    expect(await refusal(bob.conversation(id))).toBe('membership_rule');
  });

  it('the key service cannot change, remove or roll back the timer Bob verified: membership_fork, membership_rollback; his store keeps applying it', async () => {
    const { alice, bob, id } = await trio(await startWorld());
    await alice.setDisappearingTimer(id, 300);
    expect(await timerOf(bob, id)).toEqual([300]);
    const real = await realChain(alice, id);
    const timer = real.statements.at(-1)!;

    // Changed to 1 day (or off) in transit.
    for (const seconds of [86_400, 0]) {
      const altered = { ...timer, change: { type: 'disappearing' as const, seconds } } as MembershipStatement;
      serveChain(id, [...real.statements.slice(0, -1), altered], { seq: altered.seq, hash: await membershipHash(provider, altered) });
      // Bob pinned the real statement at this position: another one there is a fork (unpinned verifiers: bad_signature).
      expect(await refusal(bob.conversation(id))).toBe('membership_fork');
    }
    // Removed: the chain served without the timer statement, ending before it.
    const before = real.statements.slice(0, -1);
    serveChain(id, before, await headOf(before.at(-1)!));
    expect(await refusal(bob.conversation(id))).toBe('membership_rollback');
    // Replaced by an older decision Alice signed once (off) at the same position.
    const other = await signAfter(alice, id, before.at(-1)!, 86_400);
    serveChain(id, [...before, other], await headOf(other));
    expect(await refusal(bob.conversation(id))).toBe('membership_fork');

    // Meanwhile Bob's store still applies the 5 minutes it verified: a message sent under it and fetched ten
    // minutes later (the test moves the expiry clock instead of waiting) is not kept; one sent before it is.
    const sent = Date.now();
    await bob.storeOpened([message(id, timer.at - 60 * 60_000, 'sent before the timer')]);
    advanceExpiryClockForTests(10 * 60_000);
    await bob.storeOpened([message(id, sent, 'already gone')]);
    expect((await bob.storedHistory(id, { limit: 10 })).map((m) => m.outcome.kind === 'ok' && m.outcome.plaintext.body)).toEqual(['sent before the timer']);
  });
});
