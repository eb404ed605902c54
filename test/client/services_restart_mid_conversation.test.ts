/**
 * Scenario: the key service restarts, then the relay restarts, in the middle of a conversation (on
 * PostgreSQL when TEST_DATABASE_URL is set, else SQLite). Messages sent before, between and after both
 * restarts all arrive — zero lost — and a rotation after the key-service restart works. PostgreSQL gets a
 * fresh database of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../server/helpers/backends';
import { cleanup, reads, registered, restartKeyService, restartRelay, say, startWorld, waitFor } from './harness';

afterEach(cleanup);

describe('services restart mid conversation', () => {
  it('loses no message across a key-service restart and a relay restart', async () => {
    const world = await startWorld(process.env.TEST_DATABASE_URL ? { databaseUrl: await freshPostgresDatabase() } : {});
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId] });
    const id = dm.conversationId;
    await say(alice, id, 'one');
    await reads(bob, id, ['one']);

    await restartKeyService(world);
    await say(bob, id, 'two');
    expect(await alice.rotate(id)).toBe(2);
    await say(alice, id, 'three');
    await reads(bob, id, ['one', 'two', 'three']);

    await restartRelay(world);
    const sent: string[] = [];
    for (const text of ['four', 'five']) {
      await waitFor(`relay back for ${text}`, async () => {
        const result = await (await alice.messaging()).send(id, { type: 'string', body: text });
        return result.state === 'sent';
      });
      sent.push(text);
    }
    expect(await reads(bob, id, ['one', 'two', 'three', ...sent])).toEqual(['one', 'two', 'three', 'four', 'five']);
  });
});
