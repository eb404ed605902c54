/**
 * The catch-up cursor is saved on every received message; state.json is not rewritten for each one
 * (ProfileState.updateSoon): the change is in memory at once and on disk after a flush, with the next
 * immediate update, when the profile is opened again in the same process, or when the process exits
 * cleanly. Nothing here depends on timing: the coalescing window is never waited out.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { cursorStoreOf } from '../../src/client/cursors';
import { ProfileState } from '../../src/client/profileState';

const conv = 'conversation-0001' as ConversationId;
const dirs: string[] = [];

function profileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seed-cursor-'));
  dirs.push(dir);
  return dir;
}

function cursorsOnDisk(dir: string): Record<string, string> {
  try {
    return (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { cursors: Record<string, string> }).cursors;
  } catch {
    return {};
  }
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('cursor saves are coalesced and flushed', () => {
  it('a burst of saves is in memory at once and written by one flush', async () => {
    const dir = profileDir();
    const state = new ProfileState(dir);
    state.update((s) => {
      s.session = { userId: 'user-0001', username: 'alice', deviceId: 'device-0001', deviceName: 'laptop' };
    });
    const cursors = cursorStoreOf(state);
    for (let i = 1; i <= 50; i++) await cursors.save(conv, `1700000000000${String(i).padStart(4, '0')}`);

    expect(await cursors.load(conv)).toBe('17000000000000050');
    expect(state.dirty).toBe(true);
    expect(cursorsOnDisk(dir)[conv]).toBeUndefined();

    state.flush();
    expect(state.dirty).toBe(false);
    expect(cursorsOnDisk(dir)[conv]).toBe('17000000000000050');
    expect(new ProfileState(dir).get().session?.username).toBe('alice');
  });

  it('an immediate update writes the pending cursor along', async () => {
    const dir = profileDir();
    const state = new ProfileState(dir);
    await cursorStoreOf(state).save(conv, '17000000000000001');
    state.update((s) => {
      s.pins['user-0002'] = { identityKey: 'key', verified: false, changedTo: null };
    });
    expect(state.dirty).toBe(false);
    expect(cursorsOnDisk(dir)[conv]).toBe('17000000000000001');
  });

  it('opening the profile again in the same process sees the cursor, and the old instance writes nothing later', async () => {
    const dir = profileDir();
    const first = new ProfileState(dir);
    await cursorStoreOf(first).save(conv, '17000000000000002');
    const second = new ProfileState(dir);
    expect(second.get().cursors[conv]).toBe('17000000000000002');
    expect(first.dirty).toBe(false);
    second.update((s) => {
      s.session = null;
      s.cursors = {};
    });
    first.flush();
    expect(cursorsOnDisk(dir)[conv]).toBeUndefined();
  });

  it('a clean process exit writes the pending cursor', async () => {
    const dir = profileDir();
    const script = join(dir, 'saver.ts');
    const module = resolve('src/client/profileState.ts');
    const cursorsModule = resolve('src/client/cursors.ts');
    writeFileSync(
      script,
      [
        `import { ProfileState } from ${JSON.stringify(module)};`,
        `import { cursorStoreOf } from ${JSON.stringify(cursorsModule)};`,
        `const state = new ProfileState(${JSON.stringify(dir)});`,
        `void cursorStoreOf(state).save(${JSON.stringify(conv)}, '17000000000000003').then(() => {`,
        `  if (!state.dirty) throw new Error('expected a pending write');`,
        '});',
      ].join('\n'),
    );
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('error', fail);
      child.once('exit', (c) => done(c));
    });
    expect(code).toBe(0);
    expect(cursorsOnDisk(dir)[conv]).toBe('17000000000000003');
  });
});
