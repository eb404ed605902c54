/**
 * Request targets come from the route table's patterns (docs/api.md "The key-service API as data"): each
 * `:name` segment is its parameter, percent-encoded; the query is URL-encoded and skips what is not set; a
 * parameter the pattern names but the input lacks is a typed error before anything is sent. The generic
 * error answers of a route follow from its shape.
 */
import { describe, expect, it } from 'vitest';
import { routeErrors } from '../../src/common/api/errorAnswers';
import { keyServiceRoutes } from '../../src/common/api/keyService';
import { buildPath, pathParamNames, queryString } from '../../src/common/api/path';

describe('route paths', () => {
  it('fills and percent-encodes every parameter of a pattern', () => {
    expect(buildPath(keyServiceRoutes.getMembership.path, { conversationId: 'c/ü 1' })).toBe('/v1/conversations/c%2F%C3%BC%201/membership');
    expect(buildPath(keyServiceRoutes.withdrawChannelRole.path, { channelId: 'ch 1', userId: 'ü ser', kind: 'subscriber' })).toBe(
      '/v1/broadcast/channels/ch%201/grants/%C3%BC%20ser/subscriber',
    );
    expect(buildPath(keyServiceRoutes.getKeyVersion.path, { conversationId: 'conv-0001', version: 7 })).toBe('/v1/conversations/conv-0001/versions/7');
    expect(pathParamNames(keyServiceRoutes.withdrawChannelRole.path)).toEqual(['channelId', 'userId', 'kind']);
  });

  it('refuses a missing parameter with a typed validation error', () => {
    expect(() => buildPath(keyServiceRoutes.getUser.path, {})).toThrow(expect.objectContaining({ code: 'invalid_input', category: 'validation' }));
  });

  it('builds the query from the set values only', () => {
    expect(queryString({ q: 'a b&c', limit: 20, include: undefined })).toBe('?q=a%20b%26c&limit=20');
    expect(queryString({})).toBe('');
  });

  it('derives the generic answers from the route shape and adds the declared ones', () => {
    const fetch = routeErrors(keyServiceRoutes.getKeyVersion);
    expect([...fetch.keys()]).toEqual([400, 401, 403, 404, 409]);
    expect(fetch.get(401)).toContain('device_revoked');
    expect(fetch.get(403)).toContain('device_session_required');
    expect(fetch.get(404)).toEqual(['not_found', 'no_versions', 'no_such_version', 'no_wrap', 'lost_in_reset']);
    expect(fetch.get(409)).toEqual(['server_made_version']);
    expect([...routeErrors(keyServiceRoutes.submitKeyVersion).keys()]).toEqual([400, 401, 403, 404, 409, 413, 422]);
    expect(routeErrors(keyServiceRoutes.getHealth).get(401)).toEqual(['bad_authorization']);
  });
});
