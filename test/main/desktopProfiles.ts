/**
 * Desktop profiles for the handler scenarios: each is one app profile bootstrapped like the Electron entry
 * (real keychain, client core, embedded local stack shared through one SEED home), with the contract
 * dispatcher as its `call` and the events main emitted to it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import type { EventMessage } from '../../src/main/ipc/eventHub';
import type { Client } from '../../src/client';
import type { ConversationId } from '../../src/common/ids';

export const desktopFacts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

export interface DesktopProfile {
  deps: MainDeps;
  /** Calls a contract method; a typed refusal is thrown as an Error carrying its `code`. */
  call: (channel: string, ...args: unknown[]) => Promise<unknown>;
  events: EventMessage[];
}

export interface DesktopProfiles {
  readonly home: string;
  /** Random per run, appended to profile and user names. */
  readonly suffix: string;
  /** `extra` replaces parts of the bootstrapped deps (e.g. a mock native confirmation, a fixed policy). */
  profile(name: string, extra?: Partial<MainDeps>): Promise<DesktopProfile>;
  /** Closes every profile's core (and with the last one, the embedded stack). */
  closeAll(): Promise<void>;
}

export function desktopProfiles(prefix: string): DesktopProfiles {
  const home = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const suffix = randomBytes(3).toString('hex');
  const opened: DesktopProfile[] = [];
  return {
    home,
    suffix,
    async profile(name, extra = {}) {
      // A policy given in `extra` is the profile's from the start: the client core reads its custody pins too.
      const boot = await bootstrapMain({
        facts: desktopFacts,
        home,
        profile: `${name}-${suffix}`,
        network: 'app',
        ...(extra.policy ? { policy: extra.policy } : {}),
      });
      const deps = { ...boot, ...extra };
      const dispatch = createDispatcher(createHandlers(deps), (e) => console.error(e));
      const events: EventMessage[] = [];
      deps.events.attach((m) => events.push(m));
      const call = async (channel: string, ...args: unknown[]) => {
        const r = await dispatch(channel, args);
        if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
        return r.value;
      };
      const p = { deps, call, events };
      opened.push(p);
      return p;
    },
    async closeAll() {
      for (const p of opened.splice(0).reverse()) if ('close' in p.deps.messenger) await p.deps.messenger.close();
    },
  };
}

/** Alice, Bob and Carol registered over the contract, and Alice's three conversations (the compromised-renderer scenarios). */
export interface ThreePeople {
  readonly alice: DesktopProfile;
  readonly bob: DesktopProfile;
  readonly carol: DesktopProfile;
  readonly bobId: string;
  /** A direct conversation of Alice and Bob. */
  readonly kept: string;
  /** A group of the three (the scenarios make Bob leave it). */
  readonly leftConv: string;
  /** A direct conversation of Alice and Carol only. */
  readonly foreign: string;
}

export async function threePeople(world: DesktopProfiles): Promise<ThreePeople> {
  const [alice, bob, carol] = [await world.profile('alice'), await world.profile('bob'), await world.profile('carol')];
  const password = 'correct horse battery';
  const register = async (p: DesktopProfile, name: string) =>
    (
      (await p.call('register', { username: `${name.toLowerCase()}${world.suffix}`, displayName: name, password, deviceName: `${name} laptop` })) as {
        user: { userId: string };
      }
    ).user.userId;
  await register(alice, 'Alice');
  const bobId = await register(bob, 'Bob');
  const carolId = await register(carol, 'Carol');
  const conv = async (kind: string, members: string[]) =>
    (
      (await alice.call('createConversation', { kind, memberUserIds: members, historyPolicy: 'shared', ...(kind === 'group' ? { name: 'Plans' } : {}) })) as {
        conversationId: string;
      }
    ).conversationId;
  return {
    alice,
    bob,
    carol,
    bobId,
    kept: await conv('direct', [bobId]),
    leftConv: await conv('group', [bobId, carolId]),
    foreign: await conv('direct', [carolId]),
  };
}

/** Alice and Bob registered over the contract (each with its `extra` deps) and a direct conversation of theirs. */
export async function aliceAndBobInDirect(
  world: DesktopProfiles,
  extra: { alice?: Partial<MainDeps>; bob?: Partial<MainDeps> } = {},
): Promise<{ alice: DesktopProfile; bob: DesktopProfile; conversationId: ConversationId }> {
  const password = 'correct horse battery';
  const alice = await world.profile('alice', extra.alice);
  await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password, deviceName: 'Alice laptop' });
  const bob = await world.profile('bob', extra.bob);
  const b = (await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' })) as {
    user: { userId: string };
  };
  const created = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: ConversationId };
  return { alice, bob, conversationId: created.conversationId };
}

/** The client core behind a profile's handlers. */
export function coreOf(p: DesktopProfile): Promise<Client> {
  return 'host' in p.deps.messenger ? p.deps.messenger.host.current() : Promise.reject(new Error('no core'));
}

/** Increasing receive facts (`{timetoken}`) for envelopes a test hands to `openMessage`. */
export function receivedClock(): () => { timetoken: string } {
  let tt = BigInt(Date.now()) * 10_000n;
  return () => ({ timetoken: String((tt += 10_000n)) });
}

let tick = 0;

/** `sender` seals `body` in `conversationId`; `reader` opens it (waiting for the key) so its store keeps it. Answers its timetoken. */
export async function deliverThroughMain(sender: DesktopProfile, reader: DesktopProfile, conversationId: string, body: string): Promise<string> {
  const plaintext = { id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body };
  const envelope = await sender.call('sealMessage', conversationId, plaintext);
  tick += 1;
  const received = { timetoken: `${Date.now()}${String(tick).padStart(4, '0')}` };
  let opened = (await reader.call('openMessage', conversationId, envelope, received)) as { kind: string };
  for (let i = 0; opened.kind === 'pending' && i < 500; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
    opened = (await reader.call('openMessage', conversationId, envelope, received)) as { kind: string };
  }
  if (opened.kind !== 'ok') throw new Error(`the message was not opened: ${opened.kind}`);
  return received.timetoken;
}
