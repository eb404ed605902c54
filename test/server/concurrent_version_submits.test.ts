/**
 * Versions are serialized per conversation (docs/operations.md, "Several instances behind a load balancer
 * on PostgreSQL"), on both databases: many devices race to submit the same next version; exactly one wins
 * and the rest get 409; a rotation racing a removal either lands before it or is refused as made for an
 * older membership head. On PostgreSQL the racers are spread over two service instances sharing the
 * database, as behind a load balancer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKeyService, type KeyService } from '../../src/server/index';
import { describeBackends } from './helpers/backends';
import { Api } from './helpers/client';
import { buildRecord, createGroup, device, headOf, memberDevicesOf, newActor, signStatement, type Actor } from './helpers/actors';
import { startOn, TEST_JWT_SECRET, type Running } from './helpers/service';

describeBackends('concurrent submits of the same version', (backend) => {
  let run: Running;
  let second: KeyService | null = null;
  let apis: Api[];
  let actors: Actor[];

  beforeAll(async () => {
    run = await startOn(backend);
    apis = [run.api];
    if (run.store.databaseUrl) {
      second = await startKeyService({
        dataDir: run.store.dataDir,
        databaseUrl: run.store.databaseUrl,
        jwtSecret: TEST_JWT_SECRET,
        rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 } },
      });
      apis.push(new Api(second.url));
    }
    actors = [];
    for (let i = 0; i < 3; i++) actors.push(await newActor(run.api, `racer${i}`, 2));
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await second?.close();
    await run.stop();
  });

  it('exactly one of six concurrent submissions (three users x two devices) of each version wins', async () => {
    const [owner, ...rest] = actors as [Actor, ...Actor[]];
    const conv = await createGroup(run.api, owner, rest);
    const recipients = await memberDevicesOf(run.api, owner, conv);
    const head = await headOf(run.api, owner, conv);
    const racers = actors.flatMap((a) => a.devices);
    for (const version of [1, 2, 3]) {
      const records = await Promise.all(racers.map(async (d) => (await buildRecord(d, conv, version, recipients, head)).record));
      const statuses = await Promise.all(
        racers.map((d, i) => apis[i % apis.length]!.post(`/v1/conversations/${conv}/versions`, { record: records[i] }, d.token).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(racers.length - 1);
    }
    const view = await run.api.get<{ currentVersion: number }>(`/v1/conversations/${conv}`, owner.userToken);
    expect(view.body.currentVersion).toBe(3);
  });

  it('racing member removal and rotation never leaves a version wrapped to a removed member', async () => {
    const [owner, a, b] = actors as [Actor, Actor, Actor];
    const conv = await createGroup(run.api, owner, [a, b]);
    const recipients = await memberDevicesOf(run.api, owner, conv);
    const head = await headOf(run.api, owner, conv);
    const { record } = await buildRecord(owner.devices[0]!, conv, 1, recipients, head);
    const statement = await signStatement(owner, conv, { type: 'remove', userId: b.userId }, head, 1);
    const [submit, remove] = await Promise.all([
      apis[0]!.post(`/v1/conversations/${conv}/versions`, { record }, device(owner).token),
      apis[apis.length - 1]!.post(`/v1/conversations/${conv}/membership`, { statement }, device(owner, 1).token),
    ]);
    expect(remove.status).toBe(201);
    const view = await run.api.get<{ currentVersion: number; needsRotation: boolean }>(`/v1/conversations/${conv}`, owner.userToken);
    if (submit.status === 201) {
      expect(view.body).toMatchObject({ currentVersion: 1, needsRotation: true });
    } else {
      expect(submit.status).toBe(409);
      expect(submit.body).toMatchObject({ error: { code: 'membership_changed' } });
      expect(view.body.currentVersion).toBe(0);
    }
  });
});
