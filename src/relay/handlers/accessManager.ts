/**
 * Access Manager v3 (docs/pubnub-wire.md §2 and §5): `POST /v3/pam/{sub}/grant` mints a token from the SDK's
 * grant body (`ttl` in minutes, `permissions.resources` / `patterns` maps of permission bits, `meta`, optional
 * `uuid`), `DELETE /v3/pam/{sub}/grant/{token}` revokes one. Both need a valid v2 signature.
 */
import { z } from 'zod';
import { AccessDeniedError, BadRequestError } from '../errors';
import { ok } from '../http/reply';
import { route } from '../http/router';
import { LIMITS } from '../options';
import { SIGNED } from '../pam/accessManager';
import { mintToken, type TokenResources } from '../pam/token';
import { parseJson, pathText, subscribeKey } from './params';

const bits = z.record(z.string().min(1).max(256), z.number().int().min(0).max(255));

const resources = z
  .object({
    channels: bits.optional(),
    groups: bits.optional(),
    uuids: bits.optional(),
    users: bits.optional(),
    spaces: bits.optional(),
  })
  .optional();

const grantBody = z.object({
  ttl: z.number().int().min(1).max(LIMITS.grantTtlMax),
  permissions: z.object({
    uuid: z.string().min(1).max(92).optional(),
    resources,
    patterns: resources,
    meta: z.record(z.string(), z.unknown()).optional(),
  }),
});

type ResourceInput = z.infer<typeof resources>;

function toResources(input: ResourceInput): TokenResources {
  return {
    chan: input?.channels ?? {},
    grp: input?.groups ?? {},
    uuid: input?.uuids ?? {},
    usr: input?.users ?? {},
    spc: input?.spaces ?? {},
  };
}

function countEntries(r: TokenResources): number {
  return Object.keys(r.chan).length + Object.keys(r.grp).length + Object.keys(r.uuid).length;
}

/** Validates the grant body; runs after the signature check, so unsigned callers learn nothing. */
function validateGrant(text: string) {
  const parsed = grantBody.safeParse(parseJson(text, 'grant request'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      'invalid_parameter',
      `Invalid grant request: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'malformed'}`,
      'Access Manager',
    );
  }
  const { ttl, permissions } = parsed.data;
  const res = toResources(permissions.resources);
  const pat = toResources(permissions.patterns);
  if (countEntries(res) + countEntries(pat) === 0) {
    throw new BadRequestError('invalid_parameter', 'A grant needs at least one resource or pattern', 'Access Manager');
  }
  return { ttl, res, pat, meta: permissions.meta ?? {}, uuid: permissions.uuid };
}

export const accessManagerRoutes = [
  route('POST', '/v3/pam/:sub/grant', {
    parse: async (ctx) => {
      subscribeKey(ctx);
      return (await ctx.incoming.body()).toString('utf8');
    },
    access: () => SIGNED,
    handle: (text, ctx) => {
      const p = validateGrant(text);
      const secretKey = ctx.relay.config.secretKey as string;
      const claims = {
        v: 2 as const,
        t: Math.floor(Date.now() / 1000),
        ttl: p.ttl,
        res: p.res,
        pat: p.pat,
        meta: p.meta,
        ...(p.uuid !== undefined ? { uuid: p.uuid } : {}),
      };
      const token = mintToken(secretKey, claims);
      return ok({ status: 200, data: { message: 'Success', token }, service: 'Access Manager' });
    },
  }),
  route('DELETE', '/v3/pam/:sub/grant/:token', {
    parse: (ctx) => ({ subKey: subscribeKey(ctx), token: pathText(ctx, 'token') }),
    access: () => SIGNED,
    handle: (p, ctx) => {
      try {
        const verified = ctx.relay.access.validToken(p.token, 0);
        ctx.relay.revocations.revoke(verified.id, verified.expiresAt);
      } catch (error) {
        if (error instanceof AccessDeniedError && error.code === 'invalid_token') {
          throw new BadRequestError('invalid_token', 'Invalid token', 'Access Manager');
        }
        if (!(error instanceof AccessDeniedError && error.code === 'token_revoked')) throw error;
      }
      return ok({ status: 200, data: {}, service: 'Access Manager' });
    },
  }),
];
