/**
 * The renderer's MessageCrypto adapter, cursor store and event subscriptions over the real contract path
 * (contract-built bridge → main dispatcher). `open` never throws: a refused or failed call becomes a
 * rejected item with main's code; binary bodies never cross the bridge; keyAvailable events reach the port.
 */
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient, createBridgeEvents } from '../../src/renderer/src/bridge/client';
import { BridgeMessageCrypto, UnsupportedBodyError } from '../../src/renderer/src/chat/bridgeMessageCrypto';
import { storageCursorStore } from '../../src/renderer/src/chat/cursorStore';

const CONV = 'conv-bridge-01' as ConversationId;
const ID = 'message-id-0001' as MessageId;

function port(handlers: Handlers) {
  const router = createEventRouter();
  const raw = buildBridge(createDispatcher(handlers), router.subscribe);
  return { crypto: new BridgeMessageCrypto(createBridgeClient(raw), createBridgeEvents(raw)), router, raw };
}

describe('bridge MessageCrypto', () => {
  it('seals text through main and passes the envelope back unchanged', async () => {
    const seen: unknown[] = [];
    const { crypto } = port({
      sealMessage: async (id, plaintext) => {
        seen.push([id, plaintext]);
        return { v: 1, keyVersion: 3, ciphertext: 'abc' };
      },
    });
    expect(await crypto.seal(CONV, { id: ID, sentAt: 5, type: 'string', body: 'hi' })).toEqual({ v: 1, keyVersion: 3, ciphertext: 'abc' });
    expect(seen).toEqual([[CONV, { id: ID, sentAt: 5, type: 'string', body: 'hi' }]]);
  });

  it('refuses a binary body before anything crosses the bridge', async () => {
    let calls = 0;
    const { crypto } = port({ sealMessage: async () => (calls++, {}) });
    await expect(crypto.seal(CONV, { id: ID, sentAt: 5, type: 'binary', body: new Uint8Array([1]) })).rejects.toBeInstanceOf(UnsupportedBodyError);
    expect(calls).toBe(0);
  });

  it('hands main where each envelope was received (the relay timetoken), alone and in a batch', async () => {
    const single: unknown[] = [];
    const batches: unknown[] = [];
    const { crypto } = port({
      openMessage: async (_id, _envelope, received) => (single.push(received), { kind: 'pending', keyVersion: 1 }),
      openMessages: async (_id, envelopes, received) => (batches.push(received), envelopes.map(() => ({ kind: 'pending' as const, keyVersion: 1 }))),
    });
    await crypto.open(CONV, { n: 1 }, { timetoken: '17000000000000001' });
    await Promise.all([crypto.open(CONV, { n: 2 }, { timetoken: '17000000000000002' }), crypto.open(CONV, { n: 3 }, { timetoken: '17000000000000003' })]);
    expect(single).toEqual([{ timetoken: '17000000000000001' }]);
    expect(batches).toEqual([[{ timetoken: '17000000000000002' }, { timetoken: '17000000000000003' }]]);
  });

  it('opens through main: ok, pending and rejected outcomes pass through', async () => {
    const { crypto } = port({
      openMessage: async (_id, envelope) => {
        if (envelope['kind'] === 'ok')
          return {
            kind: 'ok',
            plaintext: { id: ID, sentAt: 1, type: 'json', body: { a: [1] } },
            senderDevice: 'device-bob-1' as DeviceId,
            senderUser: 'user-bob-01' as UserId,
            keyVersion: 2,
          };
        if (envelope['kind'] === 'pending') return { kind: 'pending', keyVersion: 4 };
        return { kind: 'rejected', code: 'bad_signature', message: 'signature does not verify' };
      },
    });
    expect(await crypto.open(CONV, { kind: 'ok' })).toMatchObject({
      kind: 'ok',
      plaintext: { type: 'json', body: { a: [1] } },
      senderUser: 'user-bob-01',
      keyVersion: 2,
    });
    expect(await crypto.open(CONV, { kind: 'pending' })).toEqual({ kind: 'pending', keyVersion: 4 });
    expect(await crypto.open(CONV, { kind: 'x' })).toEqual({ kind: 'rejected', code: 'bad_signature', message: 'signature does not verify' });
  });

  it('never throws on open: bad input, refused arguments, a missing service and a failing one become rejected items', async () => {
    const { crypto } = port({
      openMessage: async () => {
        throw new Error('boom with a secret path');
      },
    });
    expect(await crypto.open(CONV, 'clear text')).toMatchObject({ kind: 'rejected', code: 'malformed' });
    expect(await crypto.open(CONV, [1, 2])).toMatchObject({ kind: 'rejected', code: 'malformed' });
    expect(await crypto.open(CONV, { big: 'x'.repeat(70 * 1024) })).toMatchObject({ kind: 'rejected', code: 'invalid_arguments' });
    expect(await crypto.open('bad id!' as ConversationId, { a: 1 })).toMatchObject({ kind: 'rejected', code: 'invalid_arguments' });
    expect(await crypto.open(CONV, { a: 1 })).toEqual({ kind: 'rejected', code: 'internal', message: 'openMessage failed' });
    expect(await port({}).crypto.open(CONV, { a: 1 })).toMatchObject({ kind: 'rejected', code: 'unavailable' });
  });

  it('opens asked for in one tick go to main as one openMessages call per conversation, outcomes in order', async () => {
    const calls: string[] = [];
    const okFor = (n: unknown) => ({
      kind: 'ok' as const,
      plaintext: { id: ID, sentAt: 1, type: 'string' as const, body: `m${String(n)}` },
      senderDevice: 'device-bob-1' as DeviceId,
      senderUser: 'user-bob-01' as UserId,
      keyVersion: 1,
    });
    const { crypto } = port({
      openMessage: async (id, envelope) => (calls.push(`one ${id}`), okFor(envelope['n'])),
      openMessages: async (id, envelopes) => (calls.push(`many ${id} ${envelopes.length}`), envelopes.map((e) => okFor(e['n']))),
    });
    const OTHER = 'conv-bridge-02' as ConversationId;
    const page = await Promise.all([...Array.from({ length: 25 }, (_, n) => crypto.open(CONV, { n })), crypto.open(OTHER, { n: 'x' })]);
    expect(page.map((o) => (o.kind === 'ok' ? o.plaintext.body : o.kind))).toEqual([...Array.from({ length: 25 }, (_, n) => `m${n}`), 'mx']);
    expect(calls).toEqual([`many ${CONV} 25`, `one ${OTHER}`]);
  });

  it('a batch main refuses (one oversized envelope) is opened one by one, so only that envelope is rejected', async () => {
    const { crypto } = port({
      openMessage: async () => ({ kind: 'pending', keyVersion: 2 }),
      openMessages: async () => {
        throw new Error('not reached: the oversized envelope fails argument validation');
      },
    });
    const outcomes = await Promise.all([crypto.open(CONV, { a: 1 }), crypto.open(CONV, { big: 'x'.repeat(70 * 1024) }), crypto.open(CONV, { b: 2 })]);
    expect(outcomes.map((o) => (o.kind === 'rejected' ? o.code : o.kind))).toEqual(['pending', 'invalid_arguments', 'pending']);
  });

  it('keyAvailable events from main reach onKeyAvailable listeners until they unsubscribe', () => {
    const { crypto, router } = port({});
    const heard: [string, number][] = [];
    const stop = crypto.onKeyAvailable((id, version) => heard.push([id, version]));
    router.deliver({ name: 'keyAvailable', payload: { conversationId: CONV, keyVersion: 2 } });
    router.deliver({ name: 'conversationsChanged', payload: { conversationId: CONV, reason: 'x' } });
    stop();
    router.deliver({ name: 'keyAvailable', payload: { conversationId: CONV, keyVersion: 3 } });
    expect(heard).toEqual([[CONV, 2]]);
    expect(createBridgeEvents(undefined).on('keyAvailable', () => {})).toBeTypeOf('function');
  });
});

describe('cursor store', () => {
  it('keeps one timetoken per user and conversation and ignores values that are not timetokens', async () => {
    const storage = new Map<string, string>();
    const backing = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const alice = storageCursorStore(backing, 'user-alice' as UserId);
    const bob = storageCursorStore(backing, 'user-bob-1' as UserId);
    expect(await alice.load(CONV)).toBeUndefined();
    await alice.save(CONV, '17000000000000001');
    expect(await alice.load(CONV)).toBe('17000000000000001');
    expect(await bob.load(CONV)).toBeUndefined();
    storage.set(`seed.cursor.user-alice.${CONV}`, '<script>');
    expect(await alice.load(CONV)).toBeUndefined();
  });
});
