/**
 * Session, conversations, devices and trust slices over the real contract dispatcher. Where the main-side
 * service is not wired yet, the dispatcher runs a stand-in handler set (`standInHandlersForUnwiredChannels`,
 * in-memory); argument validation, `unavailable` and result parsing are the real dispatcher's.
 */
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import type { ConversationSummary, MembershipEventView } from '../../src/common/ipc/schemas/conversations';
import type { DeviceSummary } from '../../src/common/ipc/schemas/devices';
import type { ContactTrust } from '../../src/common/ipc/schemas/verification';
import { AppError } from '../../src/common/errors';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { membershipLines } from '../../src/renderer/src/model/membershipLines';
import { conversationsSelectors } from '../../src/renderer/src/state/conversationsSlice';
import { sessionSelectors } from '../../src/renderer/src/state/sessionSlice';
import { composerBlock } from '../../src/renderer/src/state/trustSlice';
import { startRendererMessaging } from '../../src/renderer/src/chat/rendererMessaging';
import { chatSelectors } from '../../src/renderer/src/state/chatSlice';
import { createAppStore } from '../../src/renderer/src/state/store';
import { describeError } from '../../src/renderer/src/model/uiError';

const ME = 'user-me-0001' as UserId;
const BOB = 'user-bob-001' as UserId;
const BOB_CODE = '3'.repeat(30);
const CAROL = 'user-carol-1' as UserId;
const GROUP = 'conv-group-01' as ConversationId;
const people = { [ME]: 'Me', [BOB]: 'Bob', [CAROL]: 'Carol' } as Record<string, string>;

function storeOver(handlers: Handlers, now = () => 1_000) {
  const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
  return createAppStore(bridge, { events: { on: () => () => {} }, now, isActive: () => true, startChat: null });
}

class NotFound extends AppError {
  constructor() {
    super('not_found', 'no such conversation');
  }
}

/** In-memory conversations, devices and trust: the shape main's services answer in. */
function standInHandlersForUnwiredChannels() {
  const group: ConversationSummary = {
    conversationId: GROUP,
    kind: 'group',
    name: 'Launch',
    channel: `conv.${GROUP}`,
    historyPolicy: 'joined',
    keyVersion: 1,
    needsRotation: false,
    myRole: 'owner',
    members: [
      { userId: ME, username: 'me', displayName: 'Me', role: 'owner', joinedAt: 0 },
      { userId: BOB, username: 'bob', displayName: 'Bob', role: 'member', joinedAt: 0 },
    ],
  };
  let devices: DeviceSummary[] = [
    { deviceId: 'device-this1' as DeviceId, name: 'Desktop', platform: 'linux', createdAt: 1, revokedAt: null, current: true },
    { deviceId: 'device-old01' as DeviceId, name: 'Old laptop', platform: 'linux', createdAt: 1, revokedAt: null, current: false },
  ];
  const trust: Record<string, ContactTrust> = { [BOB]: { userId: BOB, state: 'changed', ownCode: '1'.repeat(30) } };
  const find = (id: ConversationId) => {
    if (id !== GROUP) throw new NotFound();
    return group;
  };
  const named = (userId: string) => ({ userId: userId as UserId, displayName: people[userId]!, isNew: userId === CAROL });
  const history: MembershipEventView[] = [
    {
      seq: 0,
      at: 500,
      actor: named(ME),
      change: {
        type: 'create',
        kind: 'group',
        historyPolicy: 'joined',
        migrated: false,
        members: [
          { ...named(ME), role: 'owner' },
          { ...named(BOB), role: 'member' },
        ],
      },
    },
  ];
  let historyCalls = 0;
  const record = (change: MembershipEventView['change']) => history.push({ seq: history.length, at: history.length * 1_000 + 1_000, actor: named(ME), change });
  const handlers: Handlers = {
    listConversations: async () => [group],
    membershipHistory: async (id) => {
      find(id);
      historyCalls += 1;
      if (historyCalls === 5) throw new AppError('membership_fork', 'a second chain at the verified head');
      return history;
    },
    searchUsers: async (q) =>
      Object.entries(people)
        .filter(([, n]) => n.toLowerCase().includes(q.toLowerCase()))
        .map(([userId, displayName]) => ({ userId: userId as UserId, username: displayName.toLowerCase(), displayName })),
    addMember: async ({ conversationId, userId, role }) => {
      find(conversationId).members.push({ userId, username: people[userId]!.toLowerCase(), displayName: people[userId]!, role, joinedAt: 2 });
      record({ type: 'add', user: named(userId), role });
      return group;
    },
    removeMember: async ({ conversationId, userId }) => {
      const c = find(conversationId);
      c.members = c.members.filter((m) => m.userId !== userId);
      c.needsRotation = true;
      record({ type: 'remove', user: named(userId) });
      return c;
    },
    setMemberRole: async ({ conversationId, userId, role }) => {
      const m = find(conversationId).members.find((x) => x.userId === userId)!;
      m.role = role;
      record({ type: 'role', user: named(userId), role });
      return group;
    },
    rotateKey: async (id) => {
      const c = find(id);
      c.keyVersion += 1;
      c.needsRotation = false;
      return { conversationId: id, keyVersion: c.keyVersion };
    },
    listDevices: async () => devices,
    revokeDevice: async (id) => (devices = devices.map((d) => (d.deviceId === id ? { ...d, revokedAt: 5 } : d))),
    beginDeviceApproval: async (code) => ({ linkId: `link-for-${code.length}`, newDeviceName: 'New laptop' }),
    approveDeviceLink: async (linkId, approve, code) => ({
      state: approve && linkId === 'link-for-20' && code === '482 913' ? 'approved' : 'rejected',
      confirmationCode: null,
      rewrappedVersions: 0,
    }),
    contactTrust: async (userId) => trust[userId] ?? { userId, state: 'unverified', ownCode: '2'.repeat(30) },
    acknowledgeIdentityChange: async (userId, code) => (trust[userId] = { ...trust[userId]!, state: code === BOB_CODE ? 'unverified' : 'changed' }),
    markVerified: async (userId, code) =>
      (trust[userId] = { ...(trust[userId] ?? { userId, ownCode: '2'.repeat(30) }), state: code === BOB_CODE ? 'verified' : 'unverified' }),
  };
  return handlers;
}

describe('onboarding over the real dispatcher', () => {
  it("shows main's typed errors: unavailable service, and invalid arguments checked by the contract", async () => {
    const store = storeOver({});
    await store.getState().loadSession();
    expect(sessionSelectors.status(store.getState())).toBe('error');
    await store.getState().signIn({ username: 'alice', password: 'correct horse battery', deviceName: 'Desktop' });
    expect(sessionSelectors.error(store.getState())).toMatchObject({ code: 'unavailable', message: 'signIn is not available in this build' });
    await store.getState().register({ username: 'al', displayName: 'Alice', password: 'short', deviceName: 'Desktop' });
    expect(sessionSelectors.error(store.getState())?.code).toBe('invalid_arguments');
    expect(sessionSelectors.busy(store.getState())).toBe(false);
    expect(sessionSelectors.signedIn(store.getState())).toBe(false);
  });
});

describe('chat without a transport', () => {
  it('a pipeline that cannot start says why, and a draft is kept rather than lost', async () => {
    const bridge = createBridgeClient(buildBridge(createDispatcher({}), createEventRouter().subscribe));
    const events = { on: () => () => {} };
    const storage = { getItem: () => null, setItem: () => {} };
    const store = createAppStore(bridge, {
      events,
      now: () => 1,
      isActive: () => true,
      startChat: (self) => startRendererMessaging({ bridge, events, self, storage }).then((r) => r.port),
    });
    await store.getState().startChat({ userId: ME, deviceId: 'device-this1' as DeviceId });
    expect(chatSelectors.status(store.getState())).toBe('error');
    expect(chatSelectors.offlineReason(store.getState())).toBe('Messaging is offline: transportConfig is not available in this build.');
    store.getState().setDraft(GROUP, 'do not lose me');
    await store.getState().sendDraft(GROUP);
    expect(chatSelectors.draft(GROUP)(store.getState())).toBe('do not lose me');
    expect(chatSelectors.error(store.getState())).toMatchObject({
      code: 'chat_off',
      message: 'messaging is not connected: transportConfig is not available in this build',
    });
  });
});

describe('conversations, devices and trust over a stand-in for unwired channels', () => {
  it('member operations update the list and reload the verified history; removal then rotation', async () => {
    let now = 1_000;
    const store = storeOver(standInHandlersForUnwiredChannels(), () => now);
    await store.getState().loadConversations();
    store.getState().selectConversation(GROUP);
    await store.getState().searchUsers('car');
    expect(conversationsSelectors.userSearch(store.getState()).users.map((u) => u.displayName)).toEqual(['Carol']);

    now = 2_000;
    await store.getState().addMember(GROUP, CAROL);
    now = 3_000;
    await store.getState().setMemberRole(GROUP, CAROL, 'admin');
    now = 4_000;
    await store.getState().removeMember(GROUP, BOB);
    expect(conversationsSelectors.selected(store.getState())?.members.map((m) => m.displayName)).toEqual(['Me', 'Carol']);
    expect(conversationsSelectors.selected(store.getState())?.needsRotation).toBe(true);
    await expect
      .poll(() => membershipLines(conversationsSelectors.historyOf(GROUP)(store.getState()), ME).map((l) => [l.at, l.text, l.newContact]))
      .toEqual([
        [500, 'You created the group', undefined],
        [500, 'You added Bob', undefined],
        [2_000, 'You added Carol', 'Carol'],
        [3_000, 'You made Carol an admin', undefined],
        [4_000, 'You removed Bob', undefined],
      ]);
    // A history that does not verify is the conversation's error, and no lines are shown from it.
    await store.getState().loadHistory(GROUP);
    expect(conversationsSelectors.historyErrorOf(GROUP)(store.getState())).toMatchObject({ code: 'membership_fork' });
    expect(conversationsSelectors.historyOf(GROUP)(store.getState())).toEqual([]);
    await store.getState().loadHistory(GROUP);
    expect(conversationsSelectors.historyErrorOf(GROUP)(store.getState())).toBeNull();
    // A main without the method shows no lines and no error.
    const bare = storeOver({});
    await bare.getState().loadHistory(GROUP);
    expect(conversationsSelectors.historyOf(GROUP)(bare.getState())).toEqual([]);
    expect(conversationsSelectors.historyErrorOf(GROUP)(bare.getState())).toBeNull();
    expect(await store.getState().rotateKey(GROUP)).toBe(2);
    expect(conversationsSelectors.selected(store.getState())).toMatchObject({ keyVersion: 2, needsRotation: false });

    await store.getState().removeMember('conv-missing1' as ConversationId, BOB);
    expect(conversationsSelectors.error(store.getState())).toMatchObject({ code: 'not_found' });
    await store.getState().addMember(GROUP, 'bad id!' as UserId);
    expect(conversationsSelectors.error(store.getState())?.code).toBe('invalid_arguments');
    expect(conversationsSelectors.selected(store.getState())?.members).toHaveLength(2);
  });

  it('devices: revoke, and approve a new device after comparing the confirmation code', async () => {
    const store = storeOver(standInHandlersForUnwiredChannels());
    await store.getState().loadDevices();
    await store.getState().revokeDevice('device-old01' as DeviceId);
    expect(store.getState().devices.list.find((d) => d.deviceId === 'device-old01')?.revokedAt).toBe(5);
    await store.getState().beginDeviceApproval('  link-code-0123456789  ');
    expect(store.getState().devices.error).toBeNull();
    expect(store.getState().devices.approval.confirmation).toEqual({ linkId: 'link-for-20', newDeviceName: 'New laptop' });
    await store.getState().answerDeviceApproval(true, '482 913');
    expect(store.getState().devices.approval.result?.state).toBe('approved');
    store.getState().resetDeviceApproval();
    await store.getState().answerDeviceApproval(true);
    expect(store.getState().devices.error?.message).toBe('no device approval in progress');
    await store.getState().beginDeviceApproval('   ');
    expect(store.getState().devices.error?.code).toBe('invalid_arguments');
  });

  it('an identity change blocks the composer until acknowledged; policy can require verified contacts', async () => {
    const store = storeOver(standInHandlersForUnwiredChannels());
    await store.getState().loadConversations();
    const group = store.getState().conversations.list[0]!;
    await store.getState().loadTrust([BOB]);
    expect(composerBlock(group, store.getState().trust.byUser, ME, false)).toEqual({ reason: 'identity_changed', userId: BOB, displayName: 'Bob' });
    await store.getState().acknowledgeIdentityChange(BOB, BOB_CODE);
    expect(composerBlock(group, store.getState().trust.byUser, ME, false)).toBeNull();
    expect(composerBlock(group, store.getState().trust.byUser, ME, true)).toMatchObject({ reason: 'unverified', userId: BOB });
    await store.getState().markVerified(BOB, BOB_CODE);
    expect(composerBlock(group, store.getState().trust.byUser, ME, true)).toBeNull();
  });
});

describe('conversations main refused to list', () => {
  it('are kept with their code after a load, read as a sentence, and cleared when main refuses none', async () => {
    let refused = [{ conversationId: GROUP, code: 'membership_mismatch', message: 'the server lists a ghost' }];
    const store = storeOver({ listConversations: async () => [], refusedConversations: async () => refused });
    await store.getState().loadConversations();
    expect(conversationsSelectors.refused(store.getState())).toEqual(refused);
    expect(describeError(refused[0]!)).toContain('does not match what its members signed');
    refused = [];
    await store.getState().loadConversations();
    expect(conversationsSelectors.refused(store.getState())).toEqual([]);
  });

  it('a main without the method (a stand-in build) refuses nothing and the list still loads', async () => {
    const store = storeOver({ listConversations: async () => [] });
    await store.getState().loadConversations();
    expect(conversationsSelectors.status(store.getState())).toBe('ready');
    expect(conversationsSelectors.refused(store.getState())).toEqual([]);
  });
});
