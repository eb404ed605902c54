/**
 * Parses an answer with its route's response schema (docs/client.md "The typed key-service client"):
 * the value as the schema outputs it, or the first issue in a sentence — never a cast.
 */
import type { z } from 'zod';

export type ParsedAnswer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: string };

export function parseAnswer<S extends z.ZodType>(schema: S, json: unknown): ParsedAnswer<z.output<S>> {
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
  return { ok: false, issue: `${where}: ${first?.message ?? 'invalid'}`.slice(0, 200) };
}
