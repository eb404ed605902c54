/**
 * Wire schemas every route shares (docs/api.md "Conventions"): the error body, the empty answer of a 204,
 * and the service's own endpoints (liveness, the OpenAPI document, the claim issuer's JWKS).
 */
import { z } from 'zod';

/** `{"error": {"code", "message"}}`: the body of every refusal. */
export const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

/** The answer of a route whose success status is 204. */
export const NoContent = z.void();

export const HealthSchema = z.object({ ok: z.literal(true), database: z.enum(['sqlite', 'postgres']), pubnub: z.boolean() });

export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

/** Public keys (JWKS) that verify role claims (docs/broadcast.md §2). */
export const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
