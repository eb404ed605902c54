/**
 * Issue [store]: when main cannot save opened messages in the local store, the failure used to be a bare
 * `console.error`. Now it is a typed error logged with its code (`local_store.save_failed`,
 * `local_store_failed`) and a `localStoreFailed` event the renderer turns into a calm notice — while the
 * message itself is still opened and shown. Real parts: embedded local stack (key service and relay),
 * keychain, contract dispatcher, main handlers, client core. The store fails for real: the place of
 * Bob's `history.db` is taken by a folder, so SQLite cannot open it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FILE } from '../../src/client';
import { desktopProfiles } from './desktopProfiles';

const profiles = desktopProfiles('seed-store-save-fails');

afterAll(() => profiles.closeAll());

interface Logged {
  event: string;
  fields: Record<string, unknown> | undefined;
  error: unknown;
}

describe('a store that cannot save still shows messages', { timeout: 90_000 }, () => {
  it('Bob opens Alice’s message; the save fails: logged with its code, announced, the message shown', async () => {
    const logged: Logged[] = [];
    const log = {
      error: (event: string, fields?: Record<string, unknown>, error?: unknown) => void logged.push({ event, fields, error }),
      warn: () => undefined,
    };
    const alice = await profiles.profile('alice');
    const bob = await profiles.profile('bob', { log });
    const register = (p: typeof alice, name: string) =>
      p.call('register', {
        username: `${name}${profiles.suffix}`,
        displayName: name,
        password: 'correct horse battery',
        deviceName: `${name} laptop`,
      }) as Promise<{
        user: { userId: string };
      }>;
    // The store cannot be opened: a folder where Bob's database file goes.
    mkdirSync(join(bob.deps.paths.dir, STORE_FILE), { recursive: true });
    await register(alice, 'alice');
    const b = await register(bob, 'bob');
    const dm = ((await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: string }).conversationId;
    const envelope = await alice.call('sealMessage', dm, { id: 'message-0001', sentAt: Date.now(), type: 'string', body: 'kept or not, shown' });

    let outcome: { kind: string; plaintext?: { body: unknown } } = { kind: 'pending' };
    for (let i = 0; i < 200 && outcome.kind === 'pending'; i += 1) {
      outcome = (await bob.call('openMessage', dm, envelope, { timetoken: '17000000000000001' })) as typeof outcome;
      if (outcome.kind === 'pending') await new Promise((r) => setTimeout(r, 50));
    }
    expect(outcome).toMatchObject({ kind: 'ok', plaintext: { body: 'kept or not, shown' } });

    const notice = bob.events.find((e) => e.name === 'localStoreFailed');
    expect(notice?.payload).toEqual({ code: 'local_store_failed' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ event: 'local_store.save_failed', fields: { code: 'local_store_failed' }, error: { code: 'local_store_failed' } });
    // Nothing of the message reached the log record.
    expect(JSON.stringify(logged[0]!.fields)).not.toContain('kept or not');
  });
});
