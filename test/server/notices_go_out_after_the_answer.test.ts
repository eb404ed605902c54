/**
 * Control notices are published after the key service answers (pubnub/outbox.ts), on both
 * databases, through the real `pubnub` SDK and the local relay: a rotation's `key_version` notice reaches
 * the member's inbox even when the submitting client hangs up as soon as the answer starts; a relay that
 * is down when a rotation is accepted gets the notices once it is back (retried, not dropped); and each
 * inbox sees the notices in the order the versions were accepted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inboxPubnubChannel } from '../../src/common/pubnubChannels';
import { ControlNoticeSchema, type ControlNotice } from '../../src/common/controlNotices';
import type { ConversationId } from '../../src/common/ids';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { describeBackends } from './helpers/backends';
import { buildRecord, createGroup, device, headOf, memberDevicesOf, newActor, rotate, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

const SECRET = 'sec-c-notice-test';
const PUB = 'pub-c-notice-test';
const SUB = 'sub-c-notice-test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeBackends('notices go out after the answer', (backend) => {
  let relayDir: string;
  let relay: RunningRelay;
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let conv: ConversationId;

  const startRelayOn = (port: number) => startRelay({ port, dataDir: relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });

  /** Bob's key_version notices of `conv` in inbox order, once `count` of them are there (or 15 s passed). */
  const keyVersionNotices = async (count: number): Promise<number[]> => {
    const token = await run.api.post<{ token: string }>('/v1/pubnub/token', undefined, bob.userToken);
    const pn = new PubNub({ publishKey: PUB, subscribeKey: SUB, userId: bob.userId, origin: relay.origin, ssl: false });
    pn.setToken(token.body.token);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await pn.fetchMessages({ channels: [inboxPubnubChannel(bob.userId)], count: 100 });
      const versions = (res.channels[inboxPubnubChannel(bob.userId)] ?? [])
        .map((m) => ControlNoticeSchema.parse(m.message))
        .filter((n): n is Extract<ControlNotice, { type: 'key_version' }> => n.type === 'key_version' && n.conversationId === conv)
        .map((n) => n.version);
      if (versions.length >= count || Date.now() > deadline) return versions;
      await sleep(50);
    }
  };

  beforeAll(async () => {
    relayDir = mkdtempSync(path.join(tmpdir(), 'ks-notices-'));
    relay = await startRelayOn(0);
    run = await startOn(backend, {
      pubnub: { origin: relay.origin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET },
      outbox: { backoff: { baseMs: 100, capMs: 1_600 } },
    });
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob');
    conv = await createGroup(run.api, alice, [bob]);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
    await relay.close();
    rmSync(relayDir, { recursive: true, force: true });
  });

  it('a client that hangs up as soon as the answer starts still gets its rotation stored and announced', async () => {
    const creator = device(alice);
    const { record } = await buildRecord(creator, conv, 1, await memberDevicesOf(run.api, alice, conv), await headOf(run.api, alice, conv));
    const body = JSON.stringify({ record });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${run.api.url}/v1/conversations/${conv}/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${creator.token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      });
      req.on('response', (res) => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(201);
    expect(await keyVersionNotices(1)).toEqual([1]);
    const latest = await run.api.get<{ version: number }>(`/v1/conversations/${conv}/versions/latest`, device(bob).token);
    expect(latest.body.version).toBe(1);
  });

  it('notices accepted while the relay is down are retried until it is back, in version order', async () => {
    const port = relay.port;
    await relay.close();
    for (let version = 2; version <= 5; version++) await rotate(run.api, alice, conv, version);
    relay = await startRelayOn(port);
    expect(await keyVersionNotices(5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('back-to-back rotations reach the inbox in the order they were accepted', async () => {
    for (let version = 6; version <= 11; version++) await rotate(run.api, alice, conv, version);
    expect(await keyVersionNotices(11)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
