/**
 * A token grant never holds a request open (docs/api.md, "PubNub"; src/server/pubnub/boundedRetry.ts,
 * sdkGateway.ts), proved on a fake clock rather than by timing: the grant's retry gives up within its 3 s
 * budget whether PubNub refuses at once or never answers, and the SDK itself retries nothing (its default
 * policy would retry an Access Manager call 2 + 4 + … + 64 s) with a bounded request time.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { GRANT_RETRY, RetryBudgetExhausted, withBoundedRetry } from '../../src/server/pubnub/boundedRetry';
import { REQUEST_TIMEOUT_S, sdkOptions } from '../../src/server/pubnub/sdkGateway';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs `attempt` under GRANT_RETRY on the fake clock; answers the outcome and the fake time it took. */
async function onFakeClock(attempt: () => Promise<string>) {
  const started = Date.now();
  const outcome = withBoundedRetry(attempt, GRANT_RETRY).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return { ...(await outcome), elapsedMs: Date.now() - started };
}

it('gives up within the budget when PubNub refuses every attempt', async () => {
  let attempts = 0;
  const result = await onFakeClock(() => {
    attempts += 1;
    return Promise.reject(new Error('connection refused'));
  });
  expect(result).toMatchObject({ error: expect.any(RetryBudgetExhausted) });
  expect(attempts).toBe(GRANT_RETRY.pausesMs.length + 1);
  expect(result.elapsedMs).toBeLessThanOrEqual(GRANT_RETRY.budgetMs);
});

it('gives up at the budget when PubNub never answers', async () => {
  const result = await onFakeClock(() => new Promise<string>(() => undefined));
  expect(result).toMatchObject({ error: expect.any(RetryBudgetExhausted) });
  expect(result.elapsedMs).toBe(GRANT_RETRY.budgetMs);
});

it('answers the first attempt that succeeds', async () => {
  let attempts = 0;
  const result = await onFakeClock(() => (++attempts < 3 ? Promise.reject(new Error('503')) : Promise.resolve('token')));
  expect(result).toMatchObject({ value: 'token' });
  expect(attempts).toBe(3);
});

it('configures the SDK to retry nothing and to bound each request', () => {
  const options = sdkOptions({ origin: '127.0.0.1:1', publishKey: 'pub-c-x', subscribeKey: 'sub-c-x', secretKey: 'sec-c-x' });
  const grantRequest = { path: '/v3/pam/sub-c-x/grant', method: 'POST', origin: '127.0.0.1:1' };
  const retry = options.retryConfiguration;
  expect(retry).toBeDefined();
  for (const attempt of [0, 1, 5]) expect(retry?.shouldRetry(grantRequest as never, undefined, undefined, attempt)).toBe(false);
  expect(options.transactionalRequestTimeout).toBe(REQUEST_TIMEOUT_S);
  expect(REQUEST_TIMEOUT_S).toBeLessThanOrEqual(5);
});
