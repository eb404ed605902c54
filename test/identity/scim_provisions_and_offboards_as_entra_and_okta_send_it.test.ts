/**
 * SCIM 2.0 provisioning (src/server/scim/scim.ts; docs/operations.md "Provisioning with SCIM") with the
 * request shapes Microsoft Entra ID and Okta send, on SQLite and PostgreSQL, against the real key service,
 * relay, clients and a REAL OpenID provider's signing keys (oidc-provider in test/identity/helpers):
 *
 * - Entra ID provisions Bob (`filter=userName eq …`, then POST with its body); his first company sign-in
 *   with that verified email claims the account — with registration closed — and he chats in three groups.
 * - Entra ID sets `active` to "False" (its PATCH with a string): each group rotates on its next message,
 *   under a version wrapped for none of Bob's devices; he reads nothing new and cannot sign in again.
 * - Okta's shapes: create with a password (ignored), PATCH `{"active": false}` without a path, PUT, DELETE.
 * - Refusals: no or a wrong token (401), a duplicate userName (409 uniqueness), bad bodies and filters
 *   (400) — each changes nothing. Groups: scim_groups_feed_broadcast_roles.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { describeBackends, freshPostgresDatabase } from '../server/helpers/backends';
import { apiOf, cleanup, newClient, reads, say, startWorld as startWorldOn, type World } from '../client/harness';
import { startTestProvider, type TestProvider } from './helpers/oidcProvider';

afterEach(cleanup);

const TOKEN = randomBytes(32).toString('base64url');
const suffix = randomBytes(3).toString('hex');
let idp: TestProvider;

beforeAll(async () => {
  idp = await startTestProvider([]);
});
afterAll(async () => idp.close());

interface ScimAnswer {
  status: number;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[]; id?: string; scimType?: string };
}

async function scim(world: World, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<ScimAnswer> {
  const res = await fetch(`${world.keyService.url}/scim/v2${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as ScimAnswer['body']) };
}

/** What Entra ID sends to create a user (its provisioning docs' example, names changed). */
function entraUser(userName: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `0a21f0f2-${suffix}`,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Bob Builder', familyName: 'Builder', givenName: 'Bob' },
    roles: [],
  };
}

/** What Okta sends to create a user (a password included, which is ignored). */
function oktaUser(userName: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Olive', familyName: 'Oyl' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Olive Oyl',
    locale: 'en-US',
    externalId: `00ujl29u0le5T6Aj10h7${suffix}`,
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

/** A person IT provisioned over SCIM (Entra's shape) who then signs in with the company account: their client. */
async function provisioned(world: World, name: string) {
  const email = `${name}.${suffix}@contoso.example`;
  expect((await scim(world, 'POST', '/Users', { ...entraUser(email), externalId: `${name}-${suffix}`, name: { formatted: name } })).status).toBe(201);
  const client = await newClient(world, `${name}'s laptop`);
  const nonce = randomBytes(16).toString('base64url');
  const result = await client.signInWithSso({ idToken: await idp.mint({ sub: `entra-${name}-${suffix}`, email, email_verified: true, nonce }), nonce });
  expect(result.kind).toBe('signedIn');
  return client;
}

const entraDeactivate = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
const oktaDeactivate = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] };

describeBackends('SCIM provisions and offboards as Entra ID and Okta send it', (backend) => {
  const startWorld = async () =>
    startWorldOn({
      ...(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {}),
      service: {
        scim: { bearerToken: TOKEN },
        organisation: { signInMethods: ['password', 'oidc'], registration: 'closed', oidc: { issuer: idp.issuer, clientId: idp.clientId } },
      },
    });

  it('Entra ID: provisioned Bob claims his account by SSO, chats in three groups; "active": "False" rotates each and he reads nothing new', async () => {
    const world = await startWorld();
    const email = `bob.${suffix}@contoso.example`;
    const none = await scim(world, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(none).toMatchObject({ status: 200, body: { totalResults: 0, Resources: [] } });
    const created = await scim(world, 'POST', '/Users', entraUser(email));
    expect(created).toMatchObject({ status: 201, body: { userName: email, displayName: 'Bob Builder', active: true, externalId: `0a21f0f2-${suffix}` } });
    const found = await scim(world, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(found.body.Resources?.map((r) => r.id)).toEqual([created.body.id]);

    // Bob's first company sign-in with that verified email claims the provisioned account (registration is closed).
    const bob = await newClient(world, "bob's laptop");
    const nonce = randomBytes(16).toString('base64url');
    const signedIn = await bob.signInWithSso({ idToken: await idp.mint({ sub: `entra-${suffix}`, email, email_verified: true, nonce }), nonce });
    expect(signedIn.kind).toBe('signedIn');
    expect(bob.session().userId).toBe(created.body.id);

    // Someone else's token with an unverified claim to the same email cannot take it.
    const mallory = await newClient(world, 'mallory');
    const n2 = randomBytes(16).toString('base64url');
    await expect(
      mallory.signInWithSso({ idToken: await idp.mint({ sub: `other-${suffix}`, email, email_verified: false, nonce: n2 }), nonce: n2 }),
    ).rejects.toMatchObject({ code: 'registration_closed' });

    // Registration is closed: Alice and Carol are provisioned too, and sign in the same way.
    const [alice, carol] = [await provisioned(world, 'alice'), await provisioned(world, 'carol')];
    const groups: ConversationId[] = [];
    for (const name of ['sales', 'launch', 'lunch']) {
      groups.push((await alice.createConversation({ kind: 'group', name, members: [bob.session().userId, carol.session().userId] })).conversationId);
    }
    for (const id of groups) {
      await say(alice, id, `before ${id}`);
      expect(await reads(bob, id, [`before ${id}`])).toContain(`before ${id}`);
    }

    const off = await scim(world, 'PATCH', `/Users/${created.body.id}`, entraDeactivate);
    expect(off).toMatchObject({ status: 200, body: { active: false } });
    for (const id of groups) {
      expect(await alice.conversation(id)).toMatchObject({ needsRotation: true, rotationReason: 'user_deactivated' });
      await say(alice, id, `after ${id}`);
      const v2 = await apiOf(alice).request('getKeyVersion', { params: { conversationId: id, version: 2 } });
      expect(v2.record.memberDevices, 'no device of Bob holds the new version').not.toContain(bob.session().deviceId);
      expect(await reads(carol, id, [`after ${id}`])).toContain(`after ${id}`);
      await expect(apiOf(bob).request('getKeyVersion', { params: { conversationId: id, version: 2 } })).rejects.toMatchObject({ code: 'account_deactivated' });
    }
    const n3 = randomBytes(16).toString('base64url');
    const again = await newClient(world, "bob's new laptop");
    await expect(
      again.signInWithSso({ idToken: await idp.mint({ sub: `entra-${suffix}`, email, email_verified: true, nonce: n3 }), nonce: n3 }),
    ).rejects.toMatchObject({ code: 'account_deactivated' });

    // Entra repeats the PATCH: nothing changes; the GET says inactive.
    expect(await scim(world, 'PATCH', `/Users/${created.body.id}`, entraDeactivate)).toMatchObject({ status: 200, body: { active: false } });
    expect(await scim(world, 'GET', `/Users/${created.body.id}`)).toMatchObject({ status: 200, body: { active: false } });
  });

  it("Okta: create (its password ignored), PATCH {active:false} without a path, PUT back to active, DELETE; SCIM's refusals change nothing", async () => {
    const world = await startWorld();
    const userName = `olive.${suffix}@okta.example`;
    const created = await scim(world, 'POST', '/Users', oktaUser(userName));
    expect(created).toMatchObject({ status: 201, body: { userName, displayName: 'Olive Oyl', active: true } });
    const id = created.body.id!;
    // Okta's password is never stored: the account is SSO-only, no password signs in.
    const probe = await newClient(world, 'probe');
    const { users } = (await import('../../src/server/adminCli').then((m) =>
      m.runAdmin(['--data', world.serviceDir, ...(world.databaseUrl ? ['--database-url', world.databaseUrl] : []), 'users'], {}, 'cli:test'),
    )) as { users: { username: string; userId: string }[] };
    const olive = users.find((u) => u.userId === id)!;
    await expect(probe.login({ username: olive.username, password: '1mz050nq' })).rejects.toMatchObject({ code: 'bad_credentials' });

    expect(await scim(world, 'PATCH', `/Users/${id}`, oktaDeactivate)).toMatchObject({ status: 200, body: { active: false } });
    expect(await scim(world, 'PUT', `/Users/${id}`, { ...oktaUser(userName), displayName: 'Olive O.', active: true })).toMatchObject({
      status: 200,
      body: { active: true, displayName: 'Olive O.' },
    });

    // Refusals.
    expect((await scim(world, 'GET', '/Users', undefined, null)).status).toBe(401);
    expect((await scim(world, 'GET', '/Users', undefined, `${TOKEN}x`)).status).toBe(401);
    expect((await scim(world, 'POST', '/Users', oktaUser(userName.toUpperCase()))).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect((await scim(world, 'POST', '/Users', { schemas: [], emails: [] })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await scim(world, 'POST', '/Users', '{not json')).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await scim(world, 'GET', `/Users?filter=${encodeURIComponent('emails co "x"')}`)).body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    expect(
      (await scim(world, 'PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'move', path: 'active' }] }))
        .body,
    ).toMatchObject({ status: '400' });
    expect(
      (
        await scim(world, 'PATCH', `/Users/${id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: 'maybe' }],
        })
      ).body,
    ).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await scim(world, 'GET', '/Groups', undefined, 'wrong-token')).status).toBe(401);
    expect((await scim(world, 'GET', '/Users/no-such-user')).status).toBe(404);
    expect(await scim(world, 'GET', `/Users/${id}`)).toMatchObject({ status: 200, body: { active: true, displayName: 'Olive O.', userName } });

    // DELETE deactivates and hides the user from SCIM; the account stays (old messages keep a name).
    expect((await scim(world, 'DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim(world, 'GET', `/Users/${id}`)).status).toBe(404);
    expect((await scim(world, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body).toMatchObject({ totalResults: 0 });
  });
});
