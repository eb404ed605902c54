/**
 * The PubNub outbox survives a crash of the key-service process (docs/operations.md, "The PubNub outbox"),
 * on both databases, with the real `pubnub` SDK and the local relay. The key service runs as a child
 * process started with the test-only hook `SEED_TEST_PUBNUB_EFFECTS=fail` (src/server/pubnub/testOutage.ts):
 * its notice publishes and token revocations fail at once, so after Alice removes Bob the removal is
 * committed (204, rows pending and retried in `/healthz`) but nothing reached PubNub — Bob's old token still
 * publishes and no notice is in the inboxes. The process is then killed with SIGKILL (no clean shutdown)
 * and started again on the same database without the hook: the revocation and the notices are delivered
 * after the restart.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlNoticeSchema, type ControlNotice } from '../../src/common/controlNotices';
import type { ConversationId } from '../../src/common/ids';
import { conversationPubnubChannel, inboxPubnubChannel } from '../../src/common/pubnubChannels';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { TEST_OUTAGE_ENV } from '../../src/server/pubnub/testOutage';
import { appendStatement, createGroup, newActor, type Actor } from './helpers/actors';
import { describeBackends, freshStore, type BackendStore } from './helpers/backends';
import { Api } from './helpers/client';

const SECRET = 'sec-c-crash-test';
const PUB = 'pub-c-crash-test';
const SUB = 'sub-c-crash-test';

interface Health {
  outbox: { pending: number; retrying: number; oldestPendingAgeMs: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeBackends('the PubNub outbox survives a SIGKILL between commit and publish', (backend) => {
  let store: BackendStore;
  let relayDir: string;
  let relay: RunningRelay;
  let child: ChildProcessWithoutNullStreams | undefined;

  /** Starts `npm run server` as a child process on the test's database; answers its API. */
  const startProcess = async (env: NodeJS.ProcessEnv): Promise<Api> => {
    const args = ['--import', 'tsx', 'src/server/cli.ts', '--port', '0', '--data', store.dataDir, '--outbox-lease-ms', '2000'];
    if (store.databaseUrl) args.push('--database-url', store.databaseUrl);
    args.push('--pubnub-origin', relay.origin, '--pubnub-secret-key', SECRET, '--pubnub-publish-key', PUB, '--pubnub-subscribe-key', SUB);
    const proc = spawn(process.execPath, args, { env: { ...env, DATABASE_URL: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    child = proc;
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /key service listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      proc.once('exit', (code) => reject(new Error(`key service exited with ${code}: ${err}`)));
    });
    return new Api(url);
  };
  const health = async (api: Api) => (await api.get<Health>('/healthz')).body.outbox;
  /** Polls `/healthz` until `done` holds (the deadline only stops a hang). */
  const until = async (api: Api, done: (o: Health['outbox']) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const o = await health(api);
      if (done(o) || Date.now() > deadline) return o;
      await sleep(50);
    }
  };
  const sdk = (userId: string, token: string) => {
    const pn = new PubNub({ publishKey: PUB, subscribeKey: SUB, userId, origin: relay.origin, ssl: false });
    pn.setToken(token);
    return pn;
  };
  const publishStatus = (pn: PubNub, channel: string) =>
    pn.publish({ channel, message: { probe: true } }).then(
      () => 200,
      (err: { status?: { statusCode?: number } }) => err.status?.statusCode ?? -1,
    );
  const inbox = async (api: Api, actor: Actor): Promise<ControlNotice['type'][]> => {
    const token = (await api.post<{ token: string }>('/v1/pubnub/token', undefined, actor.userToken)).body.token;
    const res = await sdk(actor.userId, token).fetchMessages({ channels: [inboxPubnubChannel(actor.userId)], count: 100 });
    return (res.channels[inboxPubnubChannel(actor.userId)] ?? []).map((m) => ControlNoticeSchema.parse(m.message).type);
  };

  beforeAll(async () => {
    store = await freshStore(backend);
    relayDir = mkdtempSync(path.join(tmpdir(), 'ks-crash-relay-'));
    relay = await startRelay({ port: 0, dataDir: relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await relay.close();
    rmSync(relayDir, { recursive: true, force: true });
    store.cleanup();
  });

  it('delivers the revocation and the notices after the restart', { timeout: 120_000 }, async () => {
    const failing = await startProcess({ ...process.env, [TEST_OUTAGE_ENV]: 'fail' });
    const alice = await newActor(failing, 'alice');
    const bob = await newActor(failing, 'bob');
    const conv: ConversationId = await createGroup(failing, alice, [bob]);
    const bobToken = (await failing.post<{ token: string }>('/v1/pubnub/token', undefined, bob.userToken)).body.token;
    const channel = conversationPubnubChannel(conv);
    expect(await publishStatus(sdk(bob.userId, bobToken), channel)).toBe(200);
    // The creation's member_added notice failed too; it is in the outbox with the removal's rows.
    expect((await appendStatement(failing, alice, conv, { type: 'remove', userId: bob.userId })).status).toBe(201);

    // Committed and recorded, not delivered: 1 revocation + 4 removal notices + Bob's member_added. The
    // revocation and the first notice of each inbox have failed (retrying); the notices behind them wait.
    const before = await until(failing, (o) => o.pending === 6 && o.retrying === 3);
    expect(before).toMatchObject({ pending: 6, retrying: 3 });
    expect(await publishStatus(sdk(bob.userId, bobToken), channel)).toBe(200);

    const victim = child;
    const exited = new Promise((resolve) => victim?.once('exit', resolve));
    victim?.kill('SIGKILL');
    await exited;

    const restarted = await startProcess({ ...process.env });
    expect(await until(restarted, (o) => o.pending === 0)).toMatchObject({ pending: 0 });
    expect(await publishStatus(sdk(bob.userId, bobToken), channel)).toBe(403);
    expect(await inbox(restarted, bob)).toEqual(['member_added', 'member_removed', 'access_changed']);
    expect(await inbox(restarted, alice)).toEqual(['member_removed', 'rotation_needed']);
    child?.kill('SIGTERM');
  });
});
