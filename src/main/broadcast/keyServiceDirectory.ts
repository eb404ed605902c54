/**
 * The key service's broadcast endpoints for the client (docs/broadcast.md §2.1): role claims for a key
 * manager audience, the channel directory (list a created channel, read the list) and per-channel role
 * grants. The host supplies the key service URL and a device-bound access token; every call is bounded
 * and fails as a typed DirectoryError.
 */
import { z } from 'zod';
import { ChannelDescriptorSchema, type ChannelDescriptor } from '../../common/broadcast/descriptor';
import { DirectoryError } from '../../common/broadcast/errors';
import { missingCase } from '../../common/errors';
import { requestJson, type HttpFailure, type JsonRequest } from './httpJson';
import type { ClaimSource } from './types';

export interface KeyServiceSession {
  /** The key service base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** A current device-bound access token (the host refreshes it). */
  readonly accessToken: () => Promise<string>;
  /** Bound on every request; default 5 s. */
  readonly timeoutMs?: number;
}

export type ChannelRoleKind = 'subscriber' | 'publisher';

export interface ListedChannel {
  readonly descriptor: ChannelDescriptor;
  readonly owner: boolean;
  readonly subscriber: boolean;
  readonly publisher: boolean;
}

/** Where channels are listed and roles granted; the key service implements it (`keyServiceDirectory`). */
export interface BroadcastDirectory {
  register(descriptor: ChannelDescriptor): Promise<void>;
  list(): Promise<ListedChannel[]>;
  grant(channelId: string, userId: string, kind: ChannelRoleKind): Promise<void>;
  withdraw(channelId: string, userId: string, kind: ChannelRoleKind): Promise<void>;
}

function failure(f: HttpFailure, what: string): DirectoryError {
  switch (f.kind) {
    case 'unreachable':
    case 'timeout':
      return new DirectoryError('directory_unreachable', `key service did not answer ${what}`);
    case 'refused':
      return new DirectoryError('directory_refused', `key service refused ${what} (${f.status} ${f.code}): ${f.message}`, f.status);
    case 'bad_response':
      return new DirectoryError('directory_refused', `key service answered ${what} with an unexpected body`, f.status);
    default:
      return missingCase(f);
  }
}

async function call<S extends z.ZodType>(session: KeyServiceSession, req: Omit<JsonRequest, 'url' | 'token' | 'timeoutMs'> & { path: string }, schema: S): Promise<z.output<S>> {
  const what = `${req.method} ${req.path}`;
  return requestJson({ ...req, url: `${session.url}${req.path}`, token: await session.accessToken(), timeoutMs: session.timeoutMs ?? 5_000 }, schema, (f) => failure(f, what));
}

/** Role claims from the key service for the signed-in device. */
export function keyServiceClaims(session: KeyServiceSession): ClaimSource {
  return async (audience) => (await call(session, { method: 'POST', path: '/v1/broadcast/claims', body: { audience } }, z.object({ claim: z.string() }))).claim;
}

const ListSchema = z.object({
  channels: z.array(z.object({ descriptor: ChannelDescriptorSchema, owner: z.boolean(), subscriber: z.boolean(), publisher: z.boolean() })),
});

/** The key service's channel directory and grants. */
export function keyServiceDirectory(session: KeyServiceSession): BroadcastDirectory {
  const grantPath = (channelId: string) => `/v1/broadcast/channels/${encodeURIComponent(channelId)}/grants`;
  return {
    async register(descriptor) {
      await call(session, { method: 'POST', path: '/v1/broadcast/directory', body: { descriptor } }, z.object({ channelId: z.string() }));
    },
    async list() {
      return (await call(session, { method: 'GET', path: '/v1/broadcast/directory' }, ListSchema)).channels;
    },
    async grant(channelId, userId, kind) {
      await call(session, { method: 'POST', path: grantPath(channelId), body: { userId, kind } }, z.object({ role: z.string() }));
    },
    async withdraw(channelId, userId, kind) {
      await call(session, { method: 'DELETE', path: `${grantPath(channelId)}/${encodeURIComponent(userId)}/${kind}` }, z.unknown());
    },
  };
}
