/**
 * The managed policy `pushPayload` (docs/deployment.md §2; docs/messaging.md "Push for mobile") reaches the
 * envelopes main seals for the page: with `generic` from machine policy, `sealMessage` answers an envelope
 * carrying exactly the generic push part; with the default (`off`) it carries none; a policy reload applies
 * to the next seal.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { genericPushMetadata } from '../../src/common/protocol/genericPush';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createPolicyHolder } from '../../src/main/services/policyHolder';

const home = mkdtempSync(join(tmpdir(), 'seed-push-policy-'));
const suffix = randomBytes(3).toString('hex');
const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };
const opened: MainDeps[] = [];
const password = 'correct horse battery';

afterAll(async () => {
  for (const d of opened.reverse()) if ('close' in d.messenger) await d.messenger.close();
});

async function app(name: string, load: () => Record<string, unknown>) {
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: load() }));
  const deps = await bootstrapMain({ facts, home, profile: `${name}-${suffix}`, network: 'app', policy });
  opened.push(deps);
  const dispatch = createDispatcher(createHandlers(deps));
  const call = async (channel: string, ...args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
  return { call, policy };
}

describe('managed push policy reaches the seal', { timeout: 120_000 }, () => {
  it('adds the generic push part only while the policy says generic', async () => {
    let machine: Record<string, unknown> = { pushPayload: 'generic' };
    const alice = await app('alice', () => machine);
    const bob = await app('bob', () => ({}));
    await alice.call('register', { username: `alice${suffix}`, displayName: 'Alice', password, deviceName: 'a' });
    const b = (await bob.call('register', { username: `bob${suffix}`, displayName: 'Bob', password, deviceName: 'b' })) as { user: { userId: string } };
    const conv = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: ConversationId };
    const message = () => ({ id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body: 'the secret plan' });
    const pushKeys = (envelope: unknown) => Object.keys(envelope as object).filter((k) => k.startsWith('pn_'));

    const sealed = (await alice.call('sealMessage', conv.conversationId, message())) as Record<string, unknown>;
    expect({ pn_apns: sealed.pn_apns, pn_fcm: sealed.pn_fcm }).toEqual(genericPushMetadata(conv.conversationId));
    // Bob's machine sets no policy: the default is off.
    expect(pushKeys(await bob.call('sealMessage', conv.conversationId, message()))).toEqual([]);

    machine = {};
    await alice.policy.reload();
    expect(pushKeys(await alice.call('sealMessage', conv.conversationId, message()))).toEqual([]);
  });
});
