/**
 * Wire schemas every route shares (docs/api.md "Conventions"): the error body, the empty answer of a 204,
 * and the service's own endpoints (liveness, the OpenAPI document, the claim issuer's JWKS).
 */
import { z } from 'zod';

/** `{"error": {"code", "message"}}`: the body of every refusal. */
/** `retryAfter` (seconds) comes with `rate_limited`, as does the `Retry-After` header. */
export const ErrorBodySchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), retryAfter: z.number().int().positive().optional() }) })
  .meta({ id: 'Error' });

/** The answer of a route whose success status is 204. */
export const NoContent = z.void();

/** The PubNub outbox's queue (docs/operations.md, "The PubNub outbox"): what operators watch. */
export const OutboxHealthSchema = z.object({
  pending: z.number().int().min(0),
  retrying: z.number().int().min(0),
  oldestPendingAgeMs: z.number().int().min(0),
});

export const HealthSchema = z.object({ ok: z.literal(true), database: z.enum(['sqlite', 'postgres']), pubnub: z.boolean(), outbox: OutboxHealthSchema });

export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

/** Public keys (JWKS) that verify role claims (docs/broadcast.md §2). */
export const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
