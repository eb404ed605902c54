/**
 * The key manager's HTTP API (docs/broadcast.md §5): the server's half of the key manager's route table
 * (src/common/api/keyManager.ts), served under `<basePath>` with its own `<basePath>/v1/openapi.json`.
 * Authority travels in the request body as a role claim (routes are `public` at the HTTP layer; the key
 * manager verifies the claim); refusals become the broadcast codes (refusals.ts).
 */
import { keyManagerRoutes as table } from '../../common/api/keyManager';
import { KeyManagerErrorBodySchema } from '../../common/broadcast/keyManagerApi';
import { buildOpenApi } from '../http/openapi';
import { implement, type Route, type ServerParts } from '../http/route';
import type { ClaimVerifier } from './claimVerifier';
import type { KeyManager } from './keyManager';
import { toHttpError } from './refusals';

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toHttpError(err);
  }
}

/** The parts the routes call; resolved per request so a mounted instance can start on first use. */
export interface KeyManagerParts {
  readonly km: KeyManager;
  readonly claims: ClaimVerifier;
}

type Table = typeof table;

export function keyManagerRoutes(parts: () => KeyManagerParts, basePath = ''): Route[] {
  const km = () => parts().km;
  const at = <N extends keyof Table & string>(name: N, server: ServerParts<Table[N]>) => implement(table, name, server, basePath);
  let doc: Record<string, unknown> | null = null;
  const routes: Route[] = [
    at('getKeyManagerInfo', { handler: async () => ({ keyManager: true as const, audience: km().url, trustedIssuers: parts().claims.trustedIssuers }) }),
    at('createChannel', { handler: ({ body }) => guarded(() => km().createChannel(body.claim, body.descriptor)) }),
    at('getChannel', { handler: ({ params }) => guarded(() => km().info(params.channelId)) }),
    at('getChannelPublicKey', { handler: ({ params, body }) => guarded(() => km().publicKey(params.channelId, body.claim, body.certificate)) }),
    at('getWrappedChannelKeys', { handler: ({ params, body }) => guarded(() => km().wrappedKeys(params.channelId, body.claim, body.certificate)) }),
    at('revokeSubscriber', { handler: ({ params, body }) => guarded(() => km().revoke(params.channelId, body.claim, body.userId)) }),
    at('getChannelPublishers', { handler: ({ params }) => guarded(async () => km().publishers(params.channelId)) }),
    at('getKeyManagerOpenApi', { handler: async () => (doc ??= buildOpenApi(routes, KeyManagerErrorBodySchema, '0.1.0')) }),
  ];
  return routes;
}
