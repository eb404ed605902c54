/**
 * Bad input never crashes broadcast code (docs/api.md, "Errors"): arbitrary JSON as a descriptor is only ever a
 * DescriptorError; arbitrary bodies and ids at every key manager endpoint get a typed 4xx with a JSON
 * error body (never a 500), and the key manager's state is unchanged afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDescriptor } from '../../src/common/broadcast/descriptor';
import { DescriptorError } from '../../src/common/broadcast/errors';
import { CHANNEL_CREATOR_ROLE } from '../../src/common/broadcast/roles';
import { cleanup, descriptorBy, issuer, keyManager, person, post, provider, trustOf, type Person } from './harness';

describe('bad input gets typed refusals', () => {
  let km: Awaited<ReturnType<typeof keyManager>>;
  let alice: Person;

  beforeAll(async () => {
    const iss = await issuer();
    km = await keyManager(trustOf(iss));
    alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    expect(
      (await post(`${km.url}/v1/channels`, { claim: await alice.claims(km.url), descriptor: await descriptorBy(alice, km.url, 'chan-fuzz-01') })).status,
    ).toBe(201);
  });
  afterAll(cleanup);

  it('arbitrary JSON as a descriptor is a DescriptorError', async () => {
    const valid = await descriptorBy(alice, km.url, 'chan-fuzz-02');
    const mutated = fc.record({ key: fc.constantFrom(...Object.keys(valid)), value: fc.jsonValue() }).map(({ key, value }) => ({ ...valid, [key]: value }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), mutated), async (input) => {
        const outcome = await verifyDescriptor(provider, input).then(
          () => 'accepted',
          (err: unknown) => (err instanceof DescriptorError ? 'refused' : err),
        );
        expect(outcome).toBe('refused');
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bodies and ids at every endpoint get a typed 4xx', async () => {
    const claim = await alice.claims(km.url);
    const paths = ['/v1/channels', '/v1/channels/chan-fuzz-01/public-key', '/v1/channels/chan-fuzz-01/keys', '/v1/channels/chan-fuzz-01/revocations'];
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { claim: fc.oneof(fc.constant(claim), fc.string()), descriptor: fc.jsonValue(), certificate: fc.jsonValue(), userId: fc.jsonValue() },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), body, async (path, input) => {
        const res = await post(`${km.url}${path}`, input);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.error?.code).toBe('string');
      }),
      { numRuns: 120 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (segment) => {
        const res = await fetch(`${km.url}/v1/channels/${encodeURIComponent(segment)}`);
        expect([400, 404, 405]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    const info = (await (await fetch(`${km.url}/v1/channels/chan-fuzz-01`)).json()) as { currentVersion: number };
    expect(info.currentVersion).toBe(1);
  });
});
