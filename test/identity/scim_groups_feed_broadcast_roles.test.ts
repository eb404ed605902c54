/**
 * SCIM 2.0 `/Groups` (src/server/scim/scimGroups.ts; docs/operations.md "Groups and broadcast roles") with
 * the request shapes Microsoft Entra ID and Okta send, on SQLite and PostgreSQL, against the real key
 * service and its default broadcast key manager:
 *
 * - create, find by `displayName eq`, Entra's membership probe, PATCH Add/Remove (Entra, capitalised ops
 *   and value arrays), Okta's `replace` with a value object and its `members[value eq "…"]` removal, PUT,
 *   DELETE — each repeat changes nothing; refusals are typed (`scimType`) and change nothing.
 * - What a group means: an operator maps it to a broadcast role (`admin map-group`); its members' role
 *   claims carry the role and the key manager serves them; a member the IdP removes gets a claim without
 *   it at the next issue and the key manager refuses them (`role_missing`). A group never adds anyone to a
 *   conversation (the key service cannot add a reader).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { device, newActor, type Actor } from '../server/helpers/actors';
import { describeBackends } from '../server/helpers/backends';
import { startOn, type Running } from '../server/helpers/service';
import { admin, claimOf, createListedChannel, fetchKeys, GROUP_SCHEMA, PATCH_OP, scim, SCIM_TOKEN } from './helpers/broadcastOnKeyService';

const memberIds = (body: Record<string, unknown>) => ((body.members as { value: string }[] | undefined) ?? []).map((m) => m.value).sort();
const filter = (f: string) => `/Groups?filter=${encodeURIComponent(f)}`;

describeBackends('SCIM groups feed broadcast role claims', (backend) => {
  let ks: Running;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;

  beforeAll(async () => {
    ks = await startOn(backend, { scim: { bearerToken: SCIM_TOKEN } });
    [alice, bob, carol] = [await newActor(ks.api, 'alice'), await newActor(ks.api, 'bob'), await newActor(ks.api, 'carol')];
  });
  afterAll(async () => {
    expect(ks.bugs).toEqual([]);
    await ks.stop();
  });

  it('Entra ID and Okta request shapes: create, filter, add/remove members, rename, PUT, DELETE; idempotent; typed refusals change nothing', async () => {
    expect(await scim(ks, 'GET', filter('displayName eq "Readers"'))).toMatchObject({ status: 200, body: { totalResults: 0, Resources: [] } });
    // Entra ID creates the group (its docs' body), without members.
    const created = await scim(ks, 'POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Readers',
      meta: { resourceType: 'Group' },
    });
    expect(created).toMatchObject({ status: 201, body: { displayName: 'Readers', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', members: [] } });
    const id = created.body.id as string;
    expect(await scim(ks, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'readers' })).toMatchObject({
      status: 409,
      body: { scimType: 'uniqueness' },
    });
    const found = await scim(ks, 'GET', `${filter('displayName eq "Readers"')}&excludedAttributes=members`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: 'Readers' }] });
    expect((found.body.Resources as Record<string, unknown>[])[0]).not.toHaveProperty('members');

    // Entra ID: PATCH with capitalised ops and value arrays; repeating it changes nothing.
    const add = { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: bob.userId }, { value: carol.userId }] }] };
    expect(memberIds((await scim(ks, 'PATCH', `/Groups/${id}`, add)).body)).toEqual([bob.userId, carol.userId].sort());
    expect(memberIds((await scim(ks, 'PATCH', `/Groups/${id}`, add)).body)).toEqual([bob.userId, carol.userId].sort());
    const probe = (userId: string) => scim(ks, 'GET', `${filter(`id eq "${id}" and members[value eq "${userId}"]`)}&excludedAttributes=members`);
    expect((await probe(carol.userId)).body.totalResults).toBe(1);
    const remove = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: carol.userId }] }] };
    expect(memberIds((await scim(ks, 'PATCH', `/Groups/${id}`, remove)).body)).toEqual([bob.userId]);
    expect((await probe(carol.userId)).body.totalResults).toBe(0);
    const rename = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Readers EU' }] };
    expect((await scim(ks, 'PATCH', `/Groups/${id}`, rename)).body).toMatchObject({ displayName: 'Readers EU' });

    // Okta: replace with a value object (its id repeated), add, and removal by a members[value eq "…"] path.
    const oktaRename = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id, displayName: 'Readers' } }] };
    expect((await scim(ks, 'PATCH', `/Groups/${id}`, oktaRename)).body).toMatchObject({ displayName: 'Readers' });
    const oktaAdd = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: carol.userId, display: 'carol' }] }] };
    expect(memberIds((await scim(ks, 'PATCH', `/Groups/${id}`, oktaAdd)).body)).toEqual([bob.userId, carol.userId].sort());
    const oktaRemove = { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${carol.userId}"]` }] };
    expect(memberIds((await scim(ks, 'PATCH', `/Groups/${id}`, oktaRemove)).body)).toEqual([bob.userId]);
    expect(memberIds((await scim(ks, 'PATCH', `/Groups/${id}`, oktaRemove)).body)).toEqual([bob.userId]);

    // Refusals: each typed, each changing nothing.
    const before = await scim(ks, 'GET', `/Groups/${id}`);
    const ghost = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: alice.userId }, { value: 'no-such-user' }] }] };
    expect(await scim(ks, 'PATCH', `/Groups/${id}`, ghost)).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
    expect(await scim(ks, 'PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'members' }] })).toMatchObject({
      status: 400,
      body: { scimType: 'invalidSyntax' },
    });
    expect(await scim(ks, 'PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: 'another-id' } }] })).toMatchObject({
      status: 400,
      body: { scimType: 'mutability' },
    });
    expect(await scim(ks, 'GET', filter('displayName co "Read"'))).toMatchObject({ status: 400, body: { scimType: 'invalidFilter' } });
    expect(await scim(ks, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: '  ' })).toMatchObject({
      status: 400,
      body: { scimType: 'invalidValue' },
    });
    expect((await scim(ks, 'GET', `/Groups/${id}`, undefined, null)).status).toBe(401);
    expect((await scim(ks, 'PATCH', `/Groups/${id}`, add, 'x'.repeat(43))).status).toBe(401);
    expect((await scim(ks, 'GET', '/Groups/no-such-group')).status).toBe(404);
    expect(await scim(ks, 'GET', `/Groups/${id}`)).toEqual(before);

    // PUT replaces the members; DELETE removes the group (and then it is gone).
    const put = await scim(ks, 'PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: 'Readers', members: [{ value: carol.userId }] });
    expect(memberIds(put.body)).toEqual([carol.userId]);
    expect((await scim(ks, 'DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await scim(ks, 'GET', `/Groups/${id}`)).status).toBe(404);
    expect((await scim(ks, 'DELETE', `/Groups/${id}`)).status).toBe(404);
    expect((await scim(ks, 'GET', filter('displayName eq "Readers"'))).body.totalResults).toBe(0);
  });

  it('a group the operator maps to a channel role: members get the role in their claim and read; a member the IdP removes is refused at the next claim; nobody joins a conversation', async () => {
    const channelId = await createListedChannel(ks, alice);
    const role = `subscriber:${channelId}`;
    const group = await scim(ks, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Newsroom', members: [{ value: bob.userId }] });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;

    // Not mapped yet: membership alone gives nothing.
    expect((await claimOf(ks, bob)).roles).toEqual(['channel-creator']);
    expect((await fetchKeys(ks, bob, channelId)).body.error?.code).toBe('role_missing');

    // The operator maps the group to the channel's subscriber role (audited); a bad role is refused, typed.
    await expect(admin(ks, 'map-group', 'Newsroom', 'channel-creator', '--reason', 'no')).rejects.toMatchObject({ code: 'invalid_role' });
    await expect(admin(ks, 'map-group', 'No such group', role, '--reason', 'no')).rejects.toMatchObject({ code: 'unknown_group' });
    expect(await admin(ks, 'map-group', 'Newsroom', role, '--reason', 'newsroom reads all hands')).toMatchObject({ groupId, changed: true, roles: [role] });
    expect(await admin(ks, 'groups')).toMatchObject({ groups: [{ groupId, displayName: 'Newsroom', members: 1, roles: [role] }] });

    expect((await claimOf(ks, bob)).roles).toEqual(['channel-creator', role]);
    const keys = await fetchKeys(ks, bob, channelId);
    expect(keys.status, JSON.stringify(keys.body)).toBe(200);
    const listed = await ks.api.get<{ channels: { subscriber: boolean }[] }>('/v1/broadcast/directory', bob.userToken);
    expect(listed.body.channels.map((c) => c.subscriber)).toEqual([true]);

    // The IdP takes Bob out of the group (Okta's removal): his next claim lacks the role, the key manager refuses him.
    const out = await scim(ks, 'PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${bob.userId}"]` }],
    });
    expect(memberIds(out.body)).toEqual([]);
    expect((await claimOf(ks, bob)).roles).toEqual(['channel-creator']);
    expect(await fetchKeys(ks, bob, channelId)).toMatchObject({ status: 403, body: { error: { code: 'role_missing' } } });

    // A group is a directory fact, never an encrypted membership: Bob is in no conversation.
    const conversations = await ks.api.get<{ conversations: unknown[] }>('/v1/conversations', device(bob).token);
    expect(conversations.body.conversations).toEqual([]);

    const audit = (await admin(ks, 'audit', '--limit', '50')) as { audit: { action: string; target: string }[] };
    expect(audit.audit.filter((a) => a.target === groupId).map((a) => a.action)).toEqual(
      expect.arrayContaining(['group.provision', 'group.update', 'group.role_map']),
    );
  });
});
