/**
 * Attack: a malicious key service tries to decide who reads a conversation (issue [trust]; docs/protocol.md
 * §6.4, §15, §17; docs/client.md). A proxy in front of the real key service (keyServiceProxy.ts) edits what
 * Bob's client is told — the conversation view, the membership chain, key versions — while Alice, Carol and
 * Mallory talk to the service directly. The service may add a ghost member to the view or to the chain,
 * drop a removal, replay an older head, roll the current version back to one a removed member holds,
 * swap a wrap, inject a device into a record, strip the chain of a new conversation; a removed member or a
 * revoked device may keep posting under the old key.
 *
 * Guarantee: members come from the chain Bob's device verified and pinned, never from the service's word.
 * Every such answer is refused with its typed code (`membership_mismatch`, `bad_signature`,
 * `membership_rule`, `chain_broken`, `membership_rollback`, `membership_fork`, `membership_missing`,
 * `version_rollback`, `member_mismatch`, …), Bob seals nothing and wraps nothing to the attacker, and an
 * envelope from a removed member or a revoked device posted after the change (beyond the 2-minute
 * tolerance) is shown rejected (`sender_removed`, `sender_revoked`). With the proxy forwarding everything,
 * the honest flow works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { InMemoryVaultForTests } from '../../src/client/vault';
import type { Client } from '../../src/client/client';
import type { Identity } from '../../src/client/enrol';
import type { KeyRing } from '../../src/client/keyRing';
import type { ConversationView } from '../../src/common/api/conversationSchemas';
import type { DeviceKeyVersion } from '../../src/common/api/keyVersionSchemas';
import { AppError } from '../../src/common/errors';
import { newMessageId, type ConversationId } from '../../src/common/ids';
import type { OpenOutcome } from '../../src/common/messaging/ports';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { verifyDeviceRevocation } from '../../src/common/protocol/deviceRevocation';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { extendMembership } from '../../src/common/protocol/membershipChain';
import { createKeyVersionRecord, publicKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import type { MembershipHead } from '../../src/common/protocol/membershipHead';
import { membershipHash, parseMembershipStatement, signMembershipStatement, type MembershipStatement } from '../../src/common/protocol/membershipStatement';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import {
  apiOf,
  cleanup,
  linkedDevice,
  newClient,
  PASSWORD,
  provider,
  reads,
  registered,
  say,
  startWorld as startWorldOn,
  uniqueName,
  waitFor,
  type World,
} from './harness';
import { describeBackends, freshPostgresDatabase } from '../server/helpers/backends';
import { startKeyServiceProxy, type Edit, type KeyServiceProxy, type ProxiedRequest } from './keyServiceProxy';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

const uid = (c: Client) => c.session().userId;
const did = (c: Client) => c.session().deviceId;

/** Test-only reach into the facade's signed-in parts (the keys a malicious member would have on their own device). */
const signedInOf = (c: Client) => (c as unknown as { account: { identity: Identity; ring: KeyRing } }).account;
const identityOf = (c: Client): Identity => signedInOf(c).identity;
const ringOf = (c: Client): KeyRing => signedInOf(c).ring;

/** A PubNub timetoken (100 ns units) for a time in milliseconds. */
const timetoken = (ms: number) => (BigInt(ms) * 10_000n).toString();
const TOLERANCE_MS = 2 * 60_000;

const plaintext = (body: string): MessagePlaintext => ({ id: newMessageId(provider), sentAt: Date.now(), type: 'string', body });

// ---- what the proxy serves Bob ------------------------------------------------------------------------

const urlOf = (req: ProxiedRequest) => new URL(req.path, 'http://proxy.invalid');
const isGet = (req: ProxiedRequest, status: number, pathname: string) => req.method === 'GET' && status === 200 && urlOf(req).pathname === pathname;

/** Applies edits in order. */
const edits =
  (...all: Edit[]): Edit =>
  (req, status, body) =>
    all.reduce((b, edit) => edit(req, status, b), body);

/** Changes the view of one conversation, alone and in the list. */
function editView(id: ConversationId, change: (view: ConversationView) => ConversationView): Edit {
  return (req, status, body) => {
    if (isGet(req, status, `/v1/conversations/${id}`)) return change(body as ConversationView);
    if (isGet(req, status, '/v1/conversations')) {
      const list = body as { conversations: ConversationView[] };
      return { conversations: list.conversations.map((c) => (c.conversationId === id ? change(c) : c)) };
    }
    return body;
  };
}

/** Serves `statements` (those after the asked `after`) as the whole chain, ending at `head`. */
function serveChain(id: ConversationId, statements: readonly MembershipStatement[], head: MembershipHead | null): Edit {
  return (req, status, body) => {
    if (!isGet(req, status, `/v1/conversations/${id}/membership`)) return body;
    const after = Number(urlOf(req).searchParams.get('after') ?? -1);
    return { statements: statements.filter((s) => s.seq > after), head, nextAfter: null };
  };
}

/** Changes every key version of one conversation Bob fetches: one by number, the latest, or a page. */
function editVersions(id: ConversationId, change: (answer: DeviceKeyVersion) => unknown): Edit {
  return (req, status, body) => {
    if (req.method !== 'GET' || status !== 200 || !urlOf(req).pathname.startsWith(`/v1/conversations/${id}/versions`)) return body;
    const page = body as { versions?: DeviceKeyVersion[] };
    if (Array.isArray(page.versions)) return { ...page, versions: page.versions.map(change) };
    return change(body as DeviceKeyVersion);
  };
}

/** Every device Bob's client wrapped a key to through the proxy: new versions, added members' wraps, wraps of old versions. */
function wrappedTo(id: ConversationId): string[] {
  const out: string[] = [];
  for (const req of proxy?.requests ?? []) {
    if (req.method !== 'POST' || !urlOf(req).pathname.startsWith(`/v1/conversations/${id}`) || req.body === '') continue;
    const body = JSON.parse(req.body) as { record?: { memberDevices?: string[] }; wraps?: { deviceId: string }[] };
    out.push(...(body.record?.memberDevices ?? []), ...(body.wraps ?? []).map((w) => w.deviceId));
  }
  return out;
}

// ---- what the clients do --------------------------------------------------------------------------------

/** The typed code a promise is refused with (an AppError), or what it answered instead. */
async function refusal(promise: Promise<unknown>): Promise<{ refused: string } | { answered: unknown }> {
  try {
    return { answered: await promise };
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { refused: (err as AppError).code };
  }
}

/** Someone who may try to read what was sealed: a client, or whoever holds a copy of an old key. */
interface Reader {
  readonly name: string;
  opens(id: ConversationId, envelope: unknown): Promise<boolean>;
}

const clientReader = (c: Client): Reader => ({
  name: c.session().username,
  opens: async (id, envelope) => (await c.messageCrypto().open(id, envelope)).kind === 'ok',
});

/** Whoever kept a copy of `key` (version `version`), e.g. a member removed since; trusts `senders`' device keys. */
const keyReader = (name: string, version: number, key: Uint8Array, senders: readonly Client[]): Reader => ({
  name,
  opens: (id, envelope) =>
    openEnvelope(provider, envelope, {
      conversationId: id,
      keyForVersion: (v) => (v === version ? key.slice() : undefined),
      memberSigningKey: (deviceId) => {
        const sender = senders.find((c) => did(c) === deviceId);
        return sender && identityOf(sender).device.ed25519.publicKey;
      },
    }).then(
      () => true,
      () => false,
    ),
});

/** `sender` tries to seal; answers the refusal's code, or which of `readers` could open what was sealed. */
async function attemptSeal(sender: Client, id: ConversationId, body: string, readers: readonly (Client | Reader)[] = []) {
  let envelope: unknown;
  try {
    envelope = await sender.messageCrypto().seal(id, plaintext(body));
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { refused: (err as AppError).code };
  }
  const readBy: string[] = [];
  for (const r of readers) {
    const reader = 'opens' in r ? r : clientReader(r);
    if (await reader.opens(id, envelope)) readBy.push(reader.name);
  }
  return { sealed: true, readBy };
}

/** Opens until the verdict is not `pending` (the key version fetched and accepted or refused). */
async function verdict(client: Client, id: ConversationId, envelope: unknown): Promise<OpenOutcome> {
  let outcome: OpenOutcome = { kind: 'pending', keyVersion: 0 };
  await waitFor('a verdict on the envelope', async () => {
    outcome = await client.messageCrypto().open(id, envelope);
    return outcome.kind !== 'pending';
  });
  return outcome;
}

/** The chain as the real key service holds it (read by an honest member, not through the proxy). */
async function realChain(reader: Client, id: ConversationId): Promise<{ statements: MembershipStatement[]; head: MembershipHead }> {
  const page = await apiOf(reader).request('getMembership', { params: { conversationId: id } });
  if (page.head === null) throw new Error('no chain');
  return { statements: page.statements.map(parseMembershipStatement), head: page.head };
}

/**
 * What the protocol's own chain verifier (membershipChain.ts) says of a served chain, for a verifier that
 * verified and pinned `pinned` before (a prefix of the real chain; none: from the genesis): 'verified' or
 * the refusal's code. Checks that each attack is built right, whatever the client does with it.
 */
async function chainVerdict(
  reader: Client,
  id: ConversationId,
  pinned: readonly MembershipStatement[],
  served: { statements: readonly MembershipStatement[]; head: MembershipHead | null },
): Promise<string> {
  const api = apiOf(reader);
  const signerOf = async (actor: string, actorDevice: string) => {
    const [{ device }, user] = await Promise.all([
      api.request('getDevice', { params: { deviceId: actorDevice } }),
      api.request('getUser', { params: { userId: actor } }),
    ]);
    return { certificate: device.certificate, accountKey: fromBase64Url(user.identityKey ?? '') };
  };
  const from =
    pinned.length === 0 ? null : (await extendMembership(provider, { conversationId: id, from: null, statements: pinned, servedHead: null, signerOf })).state;
  const after = from?.head.seq ?? -1;
  try {
    await extendMembership(provider, {
      conversationId: id,
      from,
      statements: served.statements.filter((st) => st.seq > after),
      servedHead: served.head,
      signerOf,
    });
    return 'verified';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

const headOf = async (s: MembershipStatement): Promise<MembershipHead> => ({ seq: s.seq, hash: await membershipHash(provider, s) });

const memberView = (userId: string) => ({ userId, role: 'member' as const, joinedAt: Date.now(), firstVersion: 1 }) as ConversationView['members'][number];

/** Bob on a profile whose key service is the proxy; Alice, Carol and Mallory on the real one. */
async function bobBehindTheProxy(world: World): Promise<Client> {
  proxy = await startKeyServiceProxy(world.keyService.url);
  const bob = await newClient(world, "bob's device", { keyServiceUrl: proxy.url });
  await bob.register({ username: uniqueName('bob'), password: PASSWORD, displayName: 'bob' });
  return bob;
}

/** A group of Alice (owner), Bob and Carol, Bob's client behind the proxy, and Mallory outside it. */
async function trio(startWorld: () => Promise<World>) {
  const world = await startWorld();
  const bob = await bobBehindTheProxy(world);
  const [alice, carol, mallory] = [await registered(world, 'alice'), await registered(world, 'carol'), await registered(world, 'mallory')];
  const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [uid(bob), uid(carol)] });
  return { world, alice, bob, carol, mallory, id: group.conversationId };
}

const theProxy = (): KeyServiceProxy => {
  if (!proxy) throw new Error('no proxy');
  return proxy;
};

describeBackends('a malicious key service cannot decide who reads', (backend) => {
  /** A world whose key service stores in this suite's backend. */
  const startWorld = async () => startWorldOn(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {});

  it('honest flow: with the proxy forwarding everything, create, add, remove, rotate and send both ways work', async () => {
    const world = await startWorld();
    const bob = await bobBehindTheProxy(world);
    const [alice, carol, dave] = [await registered(world, 'alice'), await registered(world, 'carol'), await registered(world, 'dave')];
    const id = (await alice.createConversation({ kind: 'group', name: 'honest', members: [uid(bob), uid(carol)] })).conversationId;
    await say(alice, id, 'one');
    await say(bob, id, 'two');
    await alice.addMember(id, uid(dave));
    await alice.removeMember(id, uid(carol));
    expect(await alice.rotate(id)).toBe(3);
    await say(bob, id, 'three');
    await say(alice, id, 'four');
    const all = ['one', 'two', 'three', 'four'];
    expect(await reads(bob, id, all)).toEqual(all);
    expect(await reads(alice, id, all)).toEqual(all);
    expect(await reads(dave, id, all)).toEqual(all);

    const view = await bob.conversation(id);
    expect(view.members.map((m) => m.userId).sort()).toEqual([uid(alice), uid(bob), uid(dave)].sort());
    expect(view.membershipHead).toEqual((await realChain(alice, id)).head);
    expect(view.currentVersion).toBe(3);
    expect(await attemptSeal(bob, id, 'five', [alice, dave, carol])).toEqual({ sealed: true, readBy: [alice.session().username, dave.session().username] });
    expect(wrappedTo(id)).not.toContain(did(carol));
    expect(theProxy().requests.some((r) => urlOf(r).pathname === `/v1/conversations/${id}`)).toBe(true);
  });

  it('1a. a ghost member in the served member list: membership_mismatch, nothing sealed or wrapped to them', async () => {
    const { alice, bob, mallory, id } = await trio(startWorld);
    await say(alice, id, 'before the ghost');
    await bob.conversation(id);
    theProxy().edit = editView(id, (v) => ({ ...v, members: [...v.members, memberView(uid(mallory))], needsRotation: true }));

    expect(await refusal(bob.conversation(id))).toEqual({ refused: 'membership_mismatch' });
    expect(await attemptSeal(bob, id, 'to the ghost', [mallory])).toEqual({ refused: 'membership_mismatch' });
    expect(wrappedTo(id)).not.toContain(did(mallory));
    // The list leaves it out as usable and says why.
    expect((await bob.conversations()).map((c) => c.conversationId)).not.toContain(id);
    expect(bob.refusedConversations().map((r) => [r.conversationId, r.error.code])).toEqual([[id, 'membership_mismatch']]);
  });

  it('1b. a ghost add in the served chain, forged or signed by the ghost herself: bad_signature / membership_rule, nothing wrapped to her', async () => {
    const { alice, bob, mallory, id } = await trio(startWorld);
    await bob.conversation(id);
    const { statements, head } = await realChain(alice, id);
    const add = { type: 'add' as const, userId: uid(mallory), role: 'member' as const };
    const ghosts: [string, MembershipStatement][] = [
      // In Alice's name, but not signed by Alice's device (the service has no member's signing key).
      [
        'bad_signature',
        await signMembershipStatement(provider, {
          conversationId: id,
          after: head,
          at: Date.now(),
          actor: uid(alice),
          actorDevice: did(alice),
          change: add,
          signingPrivateKey: identityOf(mallory).device.ed25519.privateKey,
        }),
      ],
      // Honestly signed by Mallory's certified device, but Mallory is no member and no admin.
      [
        'membership_rule',
        await signMembershipStatement(provider, {
          conversationId: id,
          after: head,
          at: Date.now(),
          actor: uid(mallory),
          actorDevice: did(mallory),
          change: add,
          signingPrivateKey: identityOf(mallory).device.ed25519.privateKey,
        }),
      ],
    ];
    for (const [code, ghost] of ghosts) {
      const forgedHead = await headOf(ghost);
      expect(await chainVerdict(alice, id, statements, { statements: [...statements, ghost], head: forgedHead }), code).toBe(code);
      theProxy().edit = edits(
        editView(id, (v) => ({ ...v, members: [...v.members, memberView(uid(mallory))], membershipHead: forgedHead, needsRotation: true })),
        serveChain(id, [...statements, ghost], forgedHead),
      );
      expect(await refusal(bob.conversation(id)), code).toEqual({ refused: code });
      expect(await attemptSeal(bob, id, 'to the ghost', [mallory]), code).toEqual({ refused: code });
    }
    expect(wrappedTo(id)).not.toContain(did(mallory));
  });

  it("2. a dropped removal: chain_broken, then membership_rollback once Bob pinned the removal; Carol's devices get nothing from Bob", async () => {
    const { alice, bob, carol, id } = await trio(startWorld);
    await bob.conversation(id); // Bob verifies and pins the genesis
    await alice.removeMember(id, uid(carol)); // seq 1, version 2
    await alice.setMemberRole(id, uid(bob), 'admin'); // seq 2
    const { statements, head } = await realChain(alice, id);
    const [genesis, , role] = statements;
    if (!genesis || !role) throw new Error('expected three statements');
    const withCarol = (v: ConversationView): ConversationView => ({ ...v, members: [...v.members, memberView(uid(carol))], needsRotation: true });

    // The removal is cut out of the chain; the statement after it is kept.
    expect(await chainVerdict(alice, id, [genesis], { statements: [genesis, role], head })).toBe('chain_broken');
    theProxy().edit = edits(editView(id, withCarol), serveChain(id, [genesis, role], head));
    expect(await refusal(bob.conversation(id))).toEqual({ refused: 'chain_broken' });
    expect(await attemptSeal(bob, id, 'to carol?', [carol])).toEqual({ refused: 'chain_broken' });

    // Bob reads the honest chain and pins its head; then the service serves the chain before the removal.
    theProxy().edit = (_req, _status, body) => body;
    expect((await bob.conversation(id)).membershipHead).toEqual(head);
    const genesisHead = await headOf(genesis);
    expect(await chainVerdict(alice, id, statements, { statements: [genesis], head: genesisHead })).toBe('membership_rollback');
    theProxy().edit = edits(
      editView(id, (v) =>
        withCarol({ ...v, membershipHead: genesisHead, members: v.members.map((m) => ({ ...m, role: m.role === 'admin' ? 'member' : m.role })) }),
      ),
      serveChain(id, [genesis], genesisHead),
    );
    expect(await refusal(bob.conversation(id))).toEqual({ refused: 'membership_rollback' });
    expect(await attemptSeal(bob, id, 'to carol?', [carol])).toEqual({ refused: 'membership_rollback' });
    expect(wrappedTo(id)).not.toContain(did(carol));
  });

  it('3. currentVersion rolled back to the version the removed member holds: version_rollback, nothing sealed or published', async () => {
    const { alice, bob, carol, id } = await trio(startWorld);
    await say(alice, id, 'before removal');
    await reads(carol, id, ['before removal']); // Carol holds version 1
    await reads(bob, id, ['before removal']); // so does Bob
    const carolsCopy = ringOf(carol).held(id, 1); // what Carol keeps of version 1 when she is removed
    if (!carolsCopy) throw new Error('carol holds no version 1');
    await alice.removeMember(id, uid(carol)); // version 2
    await say(bob, id, 'under version 2'); // Bob verified and holds version 2
    expect(ringOf(bob).heldVersions(id)).toEqual([1, 2]);

    theProxy().edit = editView(id, (v) => ({ ...v, currentVersion: 1, needsRotation: false }));
    const carolV1 = keyReader('carol, with her copy of version 1', 1, carolsCopy, [bob]);
    expect(await attemptSeal(bob, id, 'for version 1 holders', [carolV1])).toEqual({ refused: 'version_rollback' });
    const messaging = await bob.messaging();
    const sent = await messaging.send(id, { type: 'string', body: 'rolled back' });
    expect(sent).toMatchObject({ state: 'failed', code: 'seal_failed', message: expect.stringContaining('version_rollback') as unknown });

    theProxy().edit = (_req, _status, body) => body;
    await say(alice, id, 'after the attack');
    expect(await reads(alice, id, ['after the attack'])).not.toContain('rolled back');
  });

  it("4. a swapped wrap (another version's wrap, or another version's answer): bad_signature / wrong_key_version, the key is never used", async () => {
    const { alice, bob, id } = await trio(startWorld);
    await say(alice, id, 'under version 1');
    await reads(bob, id, ['under version 1']);
    const v1 = await apiOf(bob).request('getKeyVersion', { params: { conversationId: id, version: 1 } });
    // In place before the rotations: Bob's client prefetches new versions when it hears of them.
    theProxy().edit = editVersions(id, (answer) => {
      if (answer.version === 2) return { ...answer, wrap: v1.wrap }; // version 2's record, version 1's wrap
      if (answer.version === 3) return { ...v1, version: 3 }; // version 1's record and wrap, served as version 3
      return answer;
    });
    expect(await alice.rotate(id)).toBe(2);
    const underV2 = await alice.messageCrypto().seal(id, plaintext('under version 2'));
    expect(await alice.rotate(id)).toBe(3);
    const underV3 = await alice.messageCrypto().seal(id, plaintext('under version 3'));

    expect(await verdict(bob, id, underV2)).toMatchObject({ kind: 'rejected', code: 'bad_signature' });
    expect(await verdict(bob, id, underV3)).toMatchObject({ kind: 'rejected', code: 'wrong_key_version' });
    expect(await attemptSeal(bob, id, 'under a swapped key')).toEqual({ refused: 'wrong_key_version' });
  });

  it("5a. a device injected into a record's memberDevices: bad_signature", async () => {
    const { alice, bob, mallory, id } = await trio(startWorld);
    expect(await alice.rotate(id)).toBe(2);
    const underV2 = await alice.messageCrypto().seal(id, plaintext('under version 2'));
    const injected = did(mallory);
    theProxy().edit = editVersions(id, (answer) => {
      if (answer.version !== 2) return answer;
      const devices = [...answer.record.memberDevices, injected].sort();
      const at = devices.indexOf(injected);
      const wrapDigests = [...answer.record.wrapDigests];
      wrapDigests.splice(at, 0, answer.record.wrapDigests[0] ?? '');
      return { ...answer, record: { ...answer.record, memberDevices: devices, wrapDigests } };
    });
    expect(await verdict(bob, id, underV2)).toMatchObject({ kind: 'rejected', code: 'bad_signature' });
    expect(await attemptSeal(bob, id, 'to the injected device')).toEqual({ refused: 'bad_signature' });
  });

  it("5b. a record a certified member signed that wraps to a non-member's device: member_mismatch, for an old version and for the current one", async () => {
    const { alice, bob, carol, mallory, id } = await trio(startWorld);
    expect(await alice.rotate(id)).toBe(2);
    const recipients = [alice, bob, carol, mallory].map((c) => ({ deviceId: did(c), x25519PublicKey: identityOf(c).device.x25519.publicKey }));
    const carolKeys = identityOf(carol);

    /** Carol (a member, malicious) signs version `version` for the head `membership` with Mallory's device in it; Bob is served it. */
    const craft = async (version: number, membership: MembershipHead) => {
      const { record, conversationKey } = await createKeyVersionRecord(provider, {
        conversationId: id,
        version,
        createdAt: Date.now(),
        createdByDevice: did(carol),
        signingPrivateKey: carolKeys.device.ed25519.privateKey,
        recipients,
        membership,
      });
      const wrap = record.wraps.find((w) => w.deviceId === did(bob));
      const answer = {
        conversationId: id,
        version,
        acceptedAt: Date.now(),
        record: await publicKeyVersionRecord(provider, record),
        wrap,
        addedByDevice: did(carol),
        grants: [],
      };
      const envelope = await sealEnvelope(provider, {
        conversationId: id,
        keyVersion: version,
        key: conversationKey,
        senderDevice: did(carol),
        signingPrivateKey: carolKeys.device.ed25519.privateKey,
        plaintext: plaintext(`under carol's version ${version}, mallory reads along`),
        channel: conversationPubnubChannel(id),
      });
      return { answer, envelope };
    };
    const v1Head = (await apiOf(carol).request('getKeyVersion', { params: { conversationId: id, version: 1 } })).record.membership;
    const { head } = await realChain(alice, id);
    if (!v1Head) throw new Error('version 1 names no head');
    const old = await craft(1, v1Head); // Bob never fetched version 1: the service answers Carol's instead
    const next = await craft(3, head); // a version 3 the service says is current

    theProxy().edit = edits(
      editVersions(id, (answer) => (answer.version === 1 ? old.answer : answer)),
      editView(id, (v) => ({ ...v, currentVersion: 3, needsRotation: false })),
    );
    theProxy().rewrite = (req) =>
      req.method === 'GET' && urlOf(req).pathname === `/v1/conversations/${id}/versions/3` ? { status: 200, body: next.answer } : undefined;

    expect(await verdict(bob, id, next.envelope)).toMatchObject({ kind: 'rejected', code: 'member_mismatch' });
    expect(await attemptSeal(bob, id, 'to mallory?')).toEqual({ refused: 'member_mismatch' });
    expect(await verdict(bob, id, old.envelope)).toMatchObject({ kind: 'rejected', code: 'member_mismatch' });
    expect(wrappedTo(id)).not.toContain(did(mallory));
  });

  it('6. an old membership head replayed (genuine old answers), or another statement at the pinned position: membership_rollback / membership_fork', async () => {
    const { alice, bob, carol, id } = await trio(startWorld);
    await say(alice, id, 'before removal');
    await reads(carol, id, ['before removal']);
    const carolsCopy = ringOf(carol).held(id, 1); // what Carol keeps of version 1 when she is removed
    if (!carolsCopy) throw new Error('carol holds no version 1');
    const carolV1 = keyReader('carol, with her copy of version 1', 1, carolsCopy, [bob]);
    // The service records Bob's genuine answers before the change.
    const oldView = await apiOf(bob).request('getConversation', { params: { conversationId: id } });
    const oldChain = await apiOf(bob).request('getMembership', { params: { conversationId: id } });
    await bob.conversation(id);
    await alice.removeMember(id, uid(carol));
    const { statements, head } = await realChain(alice, id);
    expect((await bob.conversation(id)).membershipHead).toEqual(head); // Bob pins the removal
    expect(await chainVerdict(alice, id, statements, { ...oldChain, statements: oldChain.statements.map(parseMembershipStatement) })).toBe(
      'membership_rollback',
    );

    theProxy().edit = edits(
      editView(id, () => oldView),
      serveChain(id, oldChain.statements.map(parseMembershipStatement), oldChain.head),
    );
    expect(await refusal(bob.conversation(id))).toEqual({ refused: 'membership_rollback' });
    expect(await attemptSeal(bob, id, 'to carol?', [carol, carolV1])).toEqual({ refused: 'membership_rollback' });

    const [genesis, removal] = statements;
    if (!genesis || !removal) throw new Error('expected two statements');
    const other = { ...removal, at: removal.at + 1 };
    const otherHead = await headOf(other);
    expect(await chainVerdict(alice, id, statements, { statements: [genesis, other], head: otherHead })).toBe('membership_fork');
    theProxy().edit = edits(
      editView(id, (v) => ({ ...v, membershipHead: otherHead })),
      serveChain(id, [genesis, other], otherHead),
    );
    expect(await refusal(bob.conversation(id))).toEqual({ refused: 'membership_fork' });
    expect(await attemptSeal(bob, id, 'to carol?', [carol, carolV1])).toEqual({ refused: 'membership_fork' });
    expect(wrappedTo(id)).not.toContain(did(carol));
  });

  it('6b. the pinned head survives a restart: the old chain served to the reopened profile is membership_rollback', async () => {
    const world = await startWorld();
    proxy = await startKeyServiceProxy(world.keyService.url);
    const vault = new InMemoryVaultForTests();
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-client-bob-'));
    const first = await newClient(world, "bob's device", { keyServiceUrl: proxy.url, vault, dataDir });
    await first.register({ username: uniqueName('bob'), password: PASSWORD, displayName: 'bob' });
    const [alice, carol] = [await registered(world, 'alice'), await registered(world, 'carol')];
    const id = (await alice.createConversation({ kind: 'group', name: 'restart', members: [uid(first), uid(carol)] })).conversationId;
    const oldView = await apiOf(first).request('getConversation', { params: { conversationId: id } });
    const oldChain = await apiOf(first).request('getMembership', { params: { conversationId: id } });
    await alice.removeMember(id, uid(carol));
    expect((await first.conversation(id)).members.map((m) => m.userId)).not.toContain(uid(carol));
    await first.close();

    const again = await newClient(world, "bob's device", { keyServiceUrl: proxy.url, vault, dataDir });
    expect(again.isSignedIn).toBe(true);
    theProxy().edit = edits(
      editView(id, () => oldView),
      serveChain(id, oldChain.statements.map(parseMembershipStatement), oldChain.head),
    );
    expect(await refusal(again.conversation(id))).toEqual({ refused: 'membership_rollback' });
    theProxy().edit = (_req, _status, body) => body;
    expect((await again.conversation(id)).members.map((m) => m.userId)).not.toContain(uid(carol));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('7. a removed member posting under the old key after the rotation: rejected sender_removed (what she sent before still opens)', async () => {
    const { alice, bob, carol, id } = await trio(startWorld);
    await say(alice, id, 'before removal');
    await reads(carol, id, ['before removal']);
    await reads(bob, id, ['before removal']);
    const oldKey = ringOf(carol).held(id, 1);
    if (!oldKey) throw new Error('carol holds no version 1');
    const carolSigning = identityOf(carol).device.ed25519.privateKey.slice();
    await alice.removeMember(id, uid(carol));
    await say(bob, id, 'after removal'); // Bob verified version 2, which no longer lists Carol
    const { acceptedAt } = await apiOf(bob).request('getKeyVersion', { params: { conversationId: id, version: 2 } });

    const fromCarol = await sealEnvelope(provider, {
      conversationId: id,
      keyVersion: 1,
      key: oldKey,
      senderDevice: did(carol),
      signingPrivateKey: carolSigning,
      plaintext: plaintext('still here, under the old key'),
      channel: conversationPubnubChannel(id),
    });
    expect(await bob.messageCrypto().open(id, fromCarol, { timetoken: timetoken(acceptedAt - 1_000) })).toMatchObject({ kind: 'ok', senderUser: uid(carol) });
    expect(await bob.messageCrypto().open(id, fromCarol, { timetoken: timetoken(acceptedAt + TOLERANCE_MS + 60_000) })).toMatchObject({
      kind: 'rejected',
      code: 'sender_removed',
    });
  });

  it('8. a revoked device posting under a key it held: rejected sender_revoked (what it sent before still opens)', async () => {
    const world = await startWorld();
    const bob = await bobBehindTheProxy(world);
    const alice = await registered(world, 'alice');
    const phone = await linkedDevice(world, alice, "alice's phone");
    const id = (await alice.createConversation({ kind: 'group', name: 'two devices', members: [uid(bob)] })).conversationId;
    await say(alice, id, 'hello');
    await reads(phone, id, ['hello']);
    await reads(bob, id, ['hello']);
    const oldKey = ringOf(phone).held(id, 1);
    if (!oldKey) throw new Error('the phone holds no version 1');
    const phoneSigning = identityOf(phone).device.ed25519.privateKey.slice();
    const phoneId = did(phone);

    expect((await alice.revokeDevice(phoneId)).rotated).toContain(id);
    const { revocation } = await apiOf(bob).request('getDeviceRevocation', { params: { deviceId: phoneId } });
    const { revokedAt } = await verifyDeviceRevocation(provider, revocation, {
      accountKey: identityOf(alice).account.publicKey,
      userId: uid(alice),
      deviceId: phoneId,
    });
    const fromPhone = await sealEnvelope(provider, {
      conversationId: id,
      keyVersion: 1,
      key: oldKey,
      senderDevice: phoneId,
      signingPrivateKey: phoneSigning,
      plaintext: plaintext('from a stolen phone'),
      channel: conversationPubnubChannel(id),
    });
    expect(await bob.messageCrypto().open(id, fromPhone, { timetoken: timetoken(revokedAt - 1_000) })).toMatchObject({
      kind: 'ok',
      senderUser: uid(alice),
    });
    expect(await bob.messageCrypto().open(id, fromPhone, { timetoken: timetoken(revokedAt + TOLERANCE_MS + 60_000) })).toMatchObject({
      kind: 'rejected',
      code: 'sender_revoked',
    });
  });

  it('9. a new conversation served without its chain: membership_missing, nothing sealed or wrapped to the ghost', async () => {
    const world = await startWorld();
    const bob = await bobBehindTheProxy(world);
    const [alice, mallory] = [await registered(world, 'alice'), await registered(world, 'mallory')];
    const id = (await alice.createConversation({ kind: 'group', name: 'stripped', members: [uid(bob)] })).conversationId;
    theProxy().edit = edits(
      editView(id, (v) => ({ ...v, membershipHead: null, members: [...v.members, memberView(uid(mallory))], needsRotation: true })),
      serveChain(id, [], null),
    );
    expect(await refusal(bob.conversation(id))).toEqual({ refused: 'membership_missing' });
    expect(await attemptSeal(bob, id, 'to the ghost', [mallory])).toEqual({ refused: 'membership_missing' });
    expect(wrappedTo(id)).not.toContain(did(mallory));
  });
});
