/**
 * The transport's scheduled token renewal (src/client/transport.ts) tries again later when the key service
 * answers `messaging_unavailable` (PubNub down: docs/api.md, "PubNub") instead of giving up until the token
 * expires, and stops for good on a refusal that retrying cannot fix. On a fake clock: nothing is timed.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { PubnubToken } from '../../src/common/api/pubnubSchemas';
import { KeyServiceError } from '../../src/client/errors';
import type { KeyServiceApi } from '../../src/client/keyServiceApi';
import { RENEW_RETRY_MS, Transport } from '../../src/client/transport';

const TOKEN: PubnubToken = {
  token: 'token-1',
  ttlMinutes: 60,
  expiresAt: 0,
  userId: 'user-alice-0001',
  subscribeKey: 'sub-c-test',
  publishKey: 'pub-c-test',
  readWrite: [],
  read: [],
};

/** A key service whose token answers are scripted, one per call. */
function scriptedApi(answers: (() => PubnubToken)[]): { api: KeyServiceApi; calls: () => number } {
  let calls = 0;
  const api = {
    request: async (name: string) => {
      if (name !== 'getPubnubToken') throw new Error(`unexpected ${name}`);
      const answer = answers[calls++];
      if (!answer) throw new Error('no more answers');
      return answer();
    },
  } as unknown as KeyServiceApi;
  return { api, calls: () => calls };
}

const unavailable = () => {
  throw new KeyServiceError(503, 'messaging_unavailable', 'PubNub did not answer', 'getPubnubToken');
};
const unauthorized = () => {
  throw new KeyServiceError(401, 'session_revoked', 'signed out', 'getPubnubToken');
};

let transport: Transport | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  transport?.close();
  vi.useRealTimers();
});

it('tries a renewal that met messaging_unavailable again after RENEW_RETRY_MS', async () => {
  const { api, calls } = scriptedApi([() => TOKEN, unavailable, unavailable, () => ({ ...TOKEN, token: 'token-2' })]);
  transport = await Transport.connect(api, { origin: '127.0.0.1:1', ssl: false });
  await vi.advanceTimersByTimeAsync(TOKEN.ttlMinutes * 30_000);
  expect(calls()).toBe(2);
  await vi.advanceTimersByTimeAsync(RENEW_RETRY_MS);
  expect(calls()).toBe(3);
  await vi.advanceTimersByTimeAsync(RENEW_RETRY_MS);
  expect(calls()).toBe(4);
});

it('does not retry a renewal the key service refused for good', async () => {
  const { api, calls } = scriptedApi([() => TOKEN, unauthorized]);
  transport = await Transport.connect(api, { origin: '127.0.0.1:1', ssl: false });
  await vi.advanceTimersByTimeAsync(TOKEN.ttlMinutes * 30_000);
  expect(calls()).toBe(2);
  await vi.advanceTimersByTimeAsync(RENEW_RETRY_MS * 10);
  expect(calls()).toBe(2);
});
