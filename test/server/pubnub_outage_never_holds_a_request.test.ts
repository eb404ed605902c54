/**
 * A PubNub outage never holds a request open (docs/api.md, "PubNub"), on both databases, with the real SDK
 * and the local relay stopped: the token request answers the typed `messaging_unavailable` (503, category
 * `unavailable`: the client retries later) instead of waiting out the SDK's retries, and a removal answers
 * 204 with its revocation and notices kept in the outbox, delivered once the relay is back — the removed
 * member's old token then stops working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorCategory } from '../../src/common/errorCodes';
import type { ConversationId } from '../../src/common/ids';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { appendStatement, createGroup, newActor, type Actor } from './helpers/actors';
import { describeBackends } from './helpers/backends';
import { startOn, type Running } from './helpers/service';

const SECRET = 'sec-c-outage-test';
const PUB = 'pub-c-outage-test';
const SUB = 'sub-c-outage-test';

describeBackends('a PubNub outage never holds a request open', (backend) => {
  let relayDir: string;
  let relay: RunningRelay;
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let conv: ConversationId;

  const startRelayOn = (port: number) => startRelay({ port, dataDir: relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
  const publishStatus = (token: string) => {
    const pn = new PubNub({ publishKey: PUB, subscribeKey: SUB, userId: bob.userId, origin: relay.origin, ssl: false });
    pn.setToken(token);
    return pn.publish({ channel: conversationPubnubChannel(conv), message: { probe: true } }).then(
      () => 200,
      (err: { status?: { statusCode?: number } }) => err.status?.statusCode ?? -1,
    );
  };

  beforeAll(async () => {
    relayDir = mkdtempSync(path.join(tmpdir(), 'ks-outage-'));
    relay = await startRelayOn(0);
    run = await startOn(backend, {
      pubnub: { origin: relay.origin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET },
      outbox: { backoff: { baseMs: 50, capMs: 400 } },
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

  it('answers messaging_unavailable for a token, and keeps a removal’s revocation until the relay is back', async () => {
    const bobToken = (await run.api.post<{ token: string }>('/v1/pubnub/token', undefined, bob.userToken)).body.token;
    const port = relay.port;
    await relay.close();

    const refused = await run.api.post<{ error: { code: string } }>('/v1/pubnub/token', undefined, bob.userToken);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('messaging_unavailable');
    expect(errorCategory('messaging_unavailable')).toBe('unavailable');

    expect((await appendStatement(run.api, alice, conv, { type: 'remove', userId: bob.userId })).status).toBe(201);
    const during = (await run.api.get<{ outbox: { pending: number } }>('/healthz')).body.outbox;
    expect(during.pending).toBeGreaterThanOrEqual(5);

    relay = await startRelayOn(port);
    const deadline = Date.now() + 20_000;
    while ((await run.api.get<{ outbox: { pending: number } }>('/healthz')).body.outbox.pending > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await run.api.get<{ outbox: { pending: number } }>('/healthz')).body.outbox.pending).toBe(0);
    expect(await publishStatus(bobToken)).toBe(403);
  });
});
