/**
 * The key ring's states per (conversation, version) (docs/client.md, "Key ring"), driven by a stand-in key
 * service and directory so every step is visible: bob fetches and holds a version (handing out copies);
 * waits for a wrap that is not there yet, fetching again with the backoff 1 s, 2 s, 5 s …; refuses a
 * tampered version for good; refuses an answer for another version or another device; and wipes the keys
 * it holds — the very buffers the unwrap produced — when the conversation is forgotten and on close,
 * without touching a copy an operation is still using.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CryptoProvider } from '../../src/common/crypto/provider';
import type { ConversationId } from '../../src/common/ids';
import { createKeyVersionRecord, publicKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import type { Directory } from '../../src/client/directory';
import { KeyServiceError } from '../../src/client/errors';
import { KeyRing } from '../../src/client/keyRing';
import type { KeyServiceApi } from '../../src/client/keyServiceApi';
import { flipB64u, makeUser, provider as nodeProvider, recipientsOf } from '../crypto/fixtures';

/** A remembered key without record facts (this file tests key ownership, not the sender checks). */
const NO_FACTS = { membership: undefined, memberDevices: [], acceptedAt: 0 };

const conv = 'conv-ring-0001' as ConversationId;
const other = 'conv-ring-0002' as ConversationId;
const isZero = (b: Uint8Array) => b.every((x) => x === 0);
/** Lets the ring's pending promises run (setImmediate is not faked; vi.waitFor would move the fake clock). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await settle();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What the stand-in key service answers for GET …/versions/{v}: an answer, or a thrown error. */
type Serve = (conversationId: string, version: number) => unknown;

async function world() {
  const alice = await makeUser('alice');
  const bob = await makeUser('bob');
  const signer = alice.devices[0]!;
  const bobDevice = bob.devices[0]!;
  const makeVersion = async (version: number) => {
    const { record, conversationKey } = await createKeyVersionRecord(nodeProvider, {
      conversationId: conv,
      version,
      createdAt: 10,
      createdByDevice: signer.deviceId,
      signingPrivateKey: signer.keys.ed25519.privateKey,
      recipients: recipientsOf(alice, bob),
    });
    const publicRecord = await publicKeyVersionRecord(nodeProvider, record);
    const answer = {
      conversationId: conv,
      version,
      acceptedAt: 1,
      record: publicRecord,
      wrap: record.wraps.find((w) => w.deviceId === bobDevice.deviceId)!,
      addedByDevice: signer.deviceId,
      grants: [],
    };
    return { record, publicRecord, conversationKey, answer };
  };
  const v1 = await makeVersion(1);
  const v2 = await makeVersion(2);

  // Every 32-byte plaintext the provider decrypts: the unwrapped conversation keys, as the ring holds them.
  const unwrapped: Uint8Array[] = [];
  const provider: CryptoProvider = {
    ...nodeProvider,
    aes256GcmDecrypt: async (key, nonce, sealed, aad) => {
      const pt = await nodeProvider.aes256GcmDecrypt(key, nonce, sealed, aad);
      if (pt?.length === 32) unwrapped.push(pt);
      return pt;
    },
  };

  const calls: string[] = [];
  let serve: Serve = (_c, v) => (v === 1 ? v1.answer : v === 2 ? v2.answer : undefined);
  // A stand-in for the typed key-service client: only the two key-version routes the ring uses.
  const api = {
    request: async (route: string, input: { params: { conversationId: string; version?: number }; query?: { after: number; limit: number } }) => {
      const { conversationId, version } = input.params;
      if (route === 'getKeyVersion' && version !== undefined) {
        calls.push(`getKeyVersion ${conversationId}#${version}`);
        const answer = serve(conversationId, version);
        if (answer === undefined) throw new KeyServiceError(404, 'no_wrap', 'no wrap for this device');
        return answer;
      }
      if (route === 'listKeyVersions') {
        calls.push(`listKeyVersions ${conversationId} after=${input.query?.after} limit=${input.query?.limit}`);
      }
      throw new KeyServiceError(404, 'not_found', `no route ${route}`);
    },
  };
  const users = new Map<string, typeof alice>([...alice.devices, ...bob.devices].map((d) => [d.deviceId, d.deviceId.startsWith('alice') ? alice : bob]));
  const directory = {
    device: async (deviceId: string) => {
      const user = users.get(deviceId);
      if (!user) throw new KeyServiceError(404, 'not_found', 'no such device');
      return { deviceId, userId: user.userId, certificate: user.devices.find((d) => d.deviceId === deviceId)!.certificate };
    },
    trustedAccountKey: async (userId: string) => (userId === alice.userId ? alice.account.publicKey : bob.account.publicKey),
    devicesById: async (ids: readonly string[]) => ({
      devices: new Map(ids.flatMap((id) => (users.has(id) ? [[id, { userId: users.get(id)!.userId }] as const] : []))),
      failures: new Map<string, Error>(),
    }),
  };
  const ring = new KeyRing(api as unknown as KeyServiceApi, provider, directory as unknown as Directory, {
    deviceId: bobDevice.deviceId,
    x25519PrivateKey: bobDevice.keys.x25519.privateKey,
    x25519PublicKey: bobDevice.keys.x25519.publicKey,
  });
  const heard: string[] = [];
  ring.onKey((c, v) => heard.push(`${c}#${v}`));
  const fetchesOf = (v: number) => calls.filter((c) => c === `getKeyVersion ${conv}#${v}`).length;
  return { ring, v1, v2, calls, heard, unwrapped, fetchesOf, serveWith: (s: Serve) => (serve = s) };
}

describe('bob waits for his wrap, then forgets the conversation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fetches, verifies and holds a version once; hands out copies only', async () => {
    const { ring, v1, heard, fetchesOf } = await world();
    const key = await ring.get(conv, 1);
    expect(key).toEqual(v1.conversationKey);
    expect(heard).toEqual([`${conv}#1`]);
    key.fill(7);
    expect(ring.held(conv, 1)).toEqual(v1.conversationKey);
    expect(ring.held(conv, 1)).not.toBe(ring.held(conv, 1));
    expect(await ring.get(conv, 1)).toEqual(v1.conversationKey);
    expect(fetchesOf(1)).toBe(1);
    expect(ring.heldVersions(conv)).toEqual([1]);
    expect(ring.holds(conv, 1)).toBe(true);
    expect(ring.failure(conv, 1)).toBeUndefined();
  });

  it('waits for a wrap that is not there yet, fetching again after 1 s, 2 s, 5 s, then holds it', async () => {
    const { ring, v1, heard, fetchesOf, serveWith } = await world();
    serveWith(() => undefined);
    ring.request(conv, 1);
    await until('the first fetch', () => fetchesOf(1) === 1);
    await settle();
    ring.request(conv, 1);
    await vi.advanceTimersByTimeAsync(999);
    expect(fetchesOf(1), 'nothing before the first delay, and a second request joins the wait').toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until('the second fetch', () => fetchesOf(1) === 2);
    await settle();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(fetchesOf(1)).toBe(2);
    serveWith((_c, v) => (v === 1 ? v1.answer : undefined));
    await vi.advanceTimersByTimeAsync(1);
    await until('the key held', () => ring.holds(conv, 1));
    expect(fetchesOf(1)).toBe(3);
    expect(heard).toEqual([`${conv}#1`]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchesOf(1), 'no timer is left once the key is held').toBe(3);
  });

  it('prefetch fetches a waiting version at once', async () => {
    const { ring, v1, fetchesOf, serveWith, calls } = await world();
    serveWith(() => undefined);
    ring.request(conv, 1);
    await until('the first fetch', () => fetchesOf(1) === 1);
    await settle();
    serveWith((_c, v) => (v === 1 ? v1.answer : undefined));
    await ring.prefetch(conv).catch(() => undefined);
    await until('the key held', () => ring.holds(conv, 1));
    expect(fetchesOf(1)).toBe(2);
    expect(calls).toContain(`listKeyVersions ${conv} after=0 limit=200`);
  });

  it('refuses a tampered version for good: listeners hear it, nothing is fetched again', async () => {
    const { ring, v1, heard, fetchesOf, serveWith } = await world();
    serveWith(() => ({ ...v1.answer, record: { ...v1.publicRecord, signature: flipB64u(v1.publicRecord.signature) } }));
    ring.request(conv, 1);
    await until('the refusal', () => ring.failure(conv, 1)?.code === 'bad_signature');
    expect(heard).toEqual([`${conv}#1`]);
    ring.request(conv, 1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetchesOf(1)).toBe(1);
    expect(ring.held(conv, 1)).toBeUndefined();
    await expect(ring.get(conv, 1)).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('refuses a key version the service answered malformed (bad_response) like a tampered one', async () => {
    const { ring, heard, fetchesOf, serveWith } = await world();
    serveWith(() => {
      throw new KeyServiceError(200, 'bad_response', 'the answer to getKeyVersion does not match its schema');
    });
    ring.request(conv, 1);
    await until('the refusal', () => ring.failure(conv, 1)?.code === 'bad_response');
    expect(heard).toEqual([`${conv}#1`]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetchesOf(1)).toBe(1);
  });

  it('refuses an answer for another version than asked, or a wrap for another device', async () => {
    const { ring, v1, v2, serveWith } = await world();
    serveWith(() => v1.answer);
    await expect(ring.get(conv, 2)).rejects.toMatchObject({ code: 'wrong_key_version' });
    serveWith(() => ({ ...v2.answer, wrap: v2.record.wraps.find((w) => w.deviceId !== v2.answer.wrap.deviceId) }));
    await expect(ring.get(conv, 2)).rejects.toMatchObject({ code: 'incomplete_wraps' });
    expect(ring.heldVersions(conv)).toEqual([]);
  });

  it('forget zeroes the keys of the conversation it held, not a copy still in use, and not other conversations', async () => {
    const { ring, v1, unwrapped } = await world();
    const inUse = await ring.get(conv, 1);
    const held = unwrapped.at(-1)!;
    expect(held).toEqual(v1.conversationKey);
    const own = Uint8Array.from(v1.conversationKey);
    ring.remember(conv, 3, own, NO_FACTS);
    const elsewhere = new Uint8Array(32).fill(9);
    ring.remember(other, 1, elsewhere, NO_FACTS);

    ring.forget(conv);
    expect(isZero(held)).toBe(true);
    expect(isZero(own)).toBe(true);
    expect(inUse).toEqual(v1.conversationKey);
    expect(ring.held(conv, 1)).toBeUndefined();
    expect(ring.heldVersions(conv)).toEqual([]);
    expect(isZero(elsewhere)).toBe(false);
    expect(ring.heldVersions(other)).toEqual([1]);
  });

  it('a fetch under way when the conversation is forgotten is not kept', async () => {
    const { ring, v1, heard, unwrapped, serveWith } = await world();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    serveWith(() => gate.then(() => v1.answer));
    ring.request(conv, 1);
    ring.forget(conv);
    release();
    await until('the late unwrap', () => unwrapped.length === 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(ring.heldVersions(conv)).toEqual([]);
    expect(heard).toEqual([]);
    await until('the unkept key zeroed', () => isZero(unwrapped[0]!));
  });

  it('close zeroes every held key and stops every retry; nothing is kept afterwards', async () => {
    const { ring, v1, unwrapped, fetchesOf, serveWith } = await world();
    await ring.get(conv, 1);
    const fetched = unwrapped.at(-1)!;
    const own = new Uint8Array(32).fill(5);
    ring.remember(other, 4, own, NO_FACTS);
    serveWith((_c, v) => (v === 1 ? v1.answer : undefined));
    ring.request(conv, 2);
    await until('the fetch of version 2', () => fetchesOf(2) === 1);
    await settle();

    ring.close();
    expect(isZero(fetched)).toBe(true);
    expect(isZero(own)).toBe(true);
    expect(ring.heldVersions(conv)).toEqual([]);
    expect(ring.heldVersions(other)).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetchesOf(2)).toBe(1);
    ring.request(conv, 1);
    const late = new Uint8Array(32).fill(3);
    ring.remember(conv, 5, late, NO_FACTS);
    expect(isZero(late)).toBe(true);
    expect(ring.heldVersions(conv)).toEqual([]);
  });
});
