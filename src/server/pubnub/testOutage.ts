/**
 * TEST ONLY (docs/operations.md, "The PubNub outbox"): a gateway whose notice publishes and token
 * revocations fail at once, without any network I/O, while grants work. The crash test
 * (test/server/outbox_survives_a_crash.test.ts) starts the key service process with
 * `SEED_TEST_PUBNUB_EFFECTS=fail` so a committed change's notices and revocations stay in the outbox, kills
 * the process, and starts it again without the variable. Never set it in production: nothing the key
 * service must tell PubNub would get there.
 */
import type { PubnubGateway } from './gateway';

export const TEST_OUTAGE_ENV = 'SEED_TEST_PUBNUB_EFFECTS';

export class TestPubnubOutage extends Error {}

/** `gateway` with every revoke and notify failing (grants untouched). */
export function failingEffectsGateway(gateway: PubnubGateway): PubnubGateway {
  const refuse = () => Promise.reject(new TestPubnubOutage(`${TEST_OUTAGE_ENV}=fail: PubNub effects refused (test hook)`));
  return { ...gateway, grant: (userId, channels) => gateway.grant(userId, channels), revoke: refuse, notify: refuse };
}
