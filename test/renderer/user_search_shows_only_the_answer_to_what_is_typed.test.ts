/**
 * The people picker offered the previous query's people until main answered the new one: typing "carol"
 * after picking Bob showed Bob's row for a moment, and a quick click ticked Bob again (a CI run of the
 * screenshot walk caught it). Answers now name the query they answer, an earlier question's late answer is
 * dropped, and the picker shows "Searching…" until what is typed now is answered.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { UserId } from '../../src/common/ids';
import type { UserSummary } from '../../src/common/ipc/schemas/session';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { offeredPeople, UserPicker } from '../../src/renderer/src/components/UserPicker';
import { conversationsSelectors } from '../../src/renderer/src/state/conversationsSlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const person = (name: string): UserSummary => ({ userId: `user-${name}-0001` as UserId, username: name, displayName: name });

it('a late answer to an earlier query does not replace the answer to the latest one', async () => {
  const pending = new Map<string, (users: UserSummary[]) => void>();
  const bridge = createBridgeClient(
    buildBridge(createDispatcher({ searchUsers: (q) => new Promise((resolve) => pending.set(q, resolve)) }), createEventRouter().subscribe),
  );
  const store = createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1, isActive: () => true, startChat: null });
  const bob = store.getState().searchUsers('bob');
  const carol = store.getState().searchUsers(' carol ');
  await expect.poll(() => pending.size).toBe(2);
  pending.get('carol')!([person('carol')]);
  await carol;
  pending.get('bob')!([person('bob')]);
  await bob;
  const answer = conversationsSelectors.userSearch(store.getState());
  expect(answer.query).toBe('carol');
  expect(answer.users.map((u) => u.username)).toEqual(['carol']);
});

it('the picker offers only the people of an answer to what is typed now', () => {
  const bobAnswer = { query: 'bob', users: [person('bob'), person('bobby')] };
  expect(offeredPeople('carol', bobAnswer, [])).toEqual({ shown: [], state: 'searching' });
  expect(offeredPeople('  ', bobAnswer, [])).toEqual({ shown: [], state: 'idle' });
  expect(offeredPeople(' bob ', bobAnswer, []).shown.map((u) => u.username)).toEqual(['bob', 'bobby']);
  expect(offeredPeople('bob', bobAnswer, [person('bob').userId, person('bobby').userId])).toEqual({ shown: [], state: 'none' });
  // A fresh picker (nothing typed) renders no row and no "Searching…", whatever the last answer was.
  const html = renderToStaticMarkup(
    createElement(UserPicker, { results: bobAnswer, excluded: [], selected: [], single: false, onSearch: () => undefined, onChange: () => undefined }),
  );
  expect(html).not.toContain('data-testid="user-result"');
  expect(html).not.toContain('Searching');
});
