/**
 * What the sandboxed preload exposes to the page, with Electron MOCKED (the binary cannot run here):
 * exactly one global, `seed`, holding one function per contract method — no ipcRenderer, no generic
 * invoke, nothing that returns key material. The snapshot fails when the surface changes.
 */
import { describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => new Map<string, unknown>());
const invoked = vi.hoisted(() => [] as Array<{ channel: string; args: unknown }>);
const onEvent = vi.hoisted(() => ({ channel: '', listener: undefined as undefined | ((e: unknown, m: unknown) => void) }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer: {
    invoke: async (channel: string, args: unknown) => (invoked.push({ channel, args }), { ok: true, value: null }),
    on: (channel: string, listener: (e: unknown, m: unknown) => void) => Object.assign(onEvent, { channel, listener }),
  },
}));

await import('../../src/preload/index');

describe('preload surface (mocked Electron: the binary cannot run here)', () => {
  it('exposes exactly the contract bridge as window.seed', () => {
    expect([...exposed.keys()]).toEqual(['seed']);
    const api = exposed.get('seed') as Record<string, unknown>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.fromEntries(Object.entries(api).map(([k, v]) => [k, typeof v]))).toMatchInlineSnapshot(`
      {
        "acceptEscrowRecipient": "function",
        "acceptServerKeys": "function",
        "accountResetRequest": "function",
        "acknowledgeIdentityChange": "function",
        "addMember": "function",
        "appInfo": "function",
        "approveDeviceLink": "function",
        "attachFile": "function",
        "beginDeviceApproval": "function",
        "beginFileDownload": "function",
        "beginFileUpload": "function",
        "cancelAccountReset": "function",
        "cancelSso": "function",
        "cancelTransfer": "function",
        "changePassword": "function",
        "channelMessages": "function",
        "contactTrust": "function",
        "conversationReaders": "function",
        "createChannel": "function",
        "createConversation": "function",
        "createRecoveryKey": "function",
        "custodyStatus": "function",
        "deleteForMe": "function",
        "deleteQueued": "function",
        "deviceLinkStatus": "function",
        "endOtherSessions": "function",
        "endSession": "function",
        "fileDownloadChunk": "function",
        "fileThumbnail": "function",
        "fileUploadChunk": "function",
        "finishAccountReset": "function",
        "finishFileUpload": "function",
        "followChannel": "function",
        "forwardFile": "function",
        "getSettings": "function",
        "historyPage": "function",
        "keepMessageActions": "function",
        "keptConversations": "function",
        "keychainStatus": "function",
        "leaveConversation": "function",
        "listChannels": "function",
        "listConversations": "function",
        "listDevices": "function",
        "listDrafts": "function",
        "listOutbox": "function",
        "listSessions": "function",
        "markVerified": "function",
        "membershipHistory": "function",
        "messageContext": "function",
        "messageVersions": "function",
        "onAccountResetChanged": "function",
        "onBroadcastChanged": "function",
        "onConversationsChanged": "function",
        "onFileTransfer": "function",
        "onKeyAvailable": "function",
        "onLinkStatus": "function",
        "onLocalStoreFailed": "function",
        "onMessagesExpired": "function",
        "onNavigate": "function",
        "onOutboxChanged": "function",
        "onSessionChanged": "function",
        "onTrustChanged": "function",
        "openMessage": "function",
        "openMessages": "function",
        "openPresence": "function",
        "openStockMessage": "function",
        "pasteFile": "function",
        "policy": "function",
        "presenceConfig": "function",
        "publishToChannel": "function",
        "queueMessage": "function",
        "recoveryStatus": "function",
        "refusedConversations": "function",
        "register": "function",
        "removeMember": "function",
        "renameConversation": "function",
        "resetAccount": "function",
        "restoreWithRecoveryKey": "function",
        "retryQueued": "function",
        "retryTransfer": "function",
        "revokeChannelSubscriber": "function",
        "revokeDevice": "function",
        "rotateKey": "function",
        "rotateRecoveryKey": "function",
        "saveDraft": "function",
        "saveFileAs": "function",
        "sealChatAction": "function",
        "sealMessage": "function",
        "sealPresence": "function",
        "searchMessages": "function",
        "searchUsers": "function",
        "sendStockMessage": "function",
        "session": "function",
        "setChannelRole": "function",
        "setDisappearingTimer": "function",
        "setMemberRole": "function",
        "setSettings": "function",
        "setUnreadCount": "function",
        "showNotification": "function",
        "signIn": "function",
        "signInChoices": "function",
        "signInWithSso": "function",
        "signOut": "function",
        "startDeviceLink": "function",
        "transportConfig": "function",
        "unfollowChannel": "function",
        "verifyRecoveryKey": "function",
      }
    `);
  });

  it('sends each call on its own prefixed channel', async () => {
    const api = exposed.get('seed') as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await api['appInfo']?.();
    expect(invoked).toEqual([{ channel: 'seed:appInfo', args: [] }]);
  });

  it('routes main events on seed:event to the named listeners only', () => {
    const api = exposed.get('seed') as Record<string, (listener: (p: unknown) => void) => () => void>;
    const seen: unknown[] = [];
    const off = api['onKeyAvailable']?.((p) => seen.push(p));
    expect(onEvent.channel).toBe('seed:event');
    onEvent.listener?.({}, { name: 'keyAvailable', payload: { conversationId: 'abcdefgh', keyVersion: 2 } });
    onEvent.listener?.({}, { name: 'sessionChanged', payload: { state: 'signedOut' } });
    onEvent.listener?.({}, 'garbage');
    off?.();
    onEvent.listener?.({}, { name: 'keyAvailable', payload: { conversationId: 'abcdefgh', keyVersion: 3 } });
    expect(seen).toEqual([{ conversationId: 'abcdefgh', keyVersion: 2 }]);
    expect(() => api['onKeyAvailable']?.('not a function' as never)).toThrow(TypeError);
  });
});
