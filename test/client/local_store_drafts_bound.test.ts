/**
 * The drafts bound (src/client/store/draftStore.ts): at most MAX_DRAFTS are kept. Replacing a kept draft
 * (what every pause while typing does) never drops another; a new draft past the bound drops the least
 * recently changed one. Real SQLCipher database in a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { MAX_DRAFTS } from '../../src/common/ipc/schemas/chat';
import { LocalStore } from '../../src/client/store';

const dir = mkdtempSync(join(tmpdir(), 'seed-store-drafts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const conv = (i: number) => `conv-draft-${String(i).padStart(5, '0')}` as ConversationId;

it('keeps MAX_DRAFTS drafts; an update keeps them all, one more drops the least recently changed', () => {
  const store = LocalStore.open(join(dir, 'drafts.db'), randomBytes(32));
  try {
    for (let i = 0; i < MAX_DRAFTS; i++) store.saveDraft(conv(i), `draft ${i}`, 1_000 + i);
    // The oldest draft is typed in again: it becomes the newest and nothing is dropped.
    store.saveDraft(conv(0), 'draft 0, longer', 1_000_000);
    expect(store.drafts()).toHaveLength(MAX_DRAFTS);
    expect(store.drafts()[0]).toMatchObject({ conversationId: conv(0), text: 'draft 0, longer' });
    // A new conversation's draft passes the bound: the least recently changed (conversation 1) goes.
    store.saveDraft(conv(MAX_DRAFTS), 'a new one', 1_000_001);
    const kept = store.drafts().map((d) => d.conversationId);
    expect(kept).toHaveLength(MAX_DRAFTS);
    expect(kept).toContain(conv(0));
    expect(kept).toContain(conv(MAX_DRAFTS));
    expect(kept).not.toContain(conv(1));
  } finally {
    store.close();
  }
});
