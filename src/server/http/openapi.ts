/**
 * Renders /v1/openapi.json from the served routes' table entries (docs/api.md "The key-service API as
 * data"): path and query parameters, request bodies (input side of each zod schema) and responses
 * (output side) are JSON Schema 2020-12, as OpenAPI 3.1 expects; each error status names the codes the
 * entry may answer with it (src/common/api/errorAnswers.ts).
 */
import { z } from 'zod';
import { routeErrors } from '../../common/api/errorAnswers';
import type { Route } from './route';

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'malformed request',
  401: 'missing, invalid or expired credentials',
  403: 'not allowed for this caller',
  404: 'not found',
  409: 'conflicts with the current state',
  413: 'request body too large',
  422: 'well-formed but refused',
  429: 'rate limited',
  503: 'a dependency is unavailable',
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

function operation(route: Route, errorSchema: Json): Json {
  const spec = route.spec;
  const status = spec.status ?? 200;
  const responses: Json = {
    [status]:
      status === 204 ? { description: 'done' } : { description: 'success', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } },
  };
  for (const [code, codes] of routeErrors(spec)) {
    responses[code] = {
      description: `${STATUS_TEXT[code] ?? 'error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
      content: { 'application/json': { schema: errorSchema } },
    };
  }
  return {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method.toLowerCase()}${openapiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(spec.auth === 'public' ? { security: [] } : {}),
    ...(spec.auth === 'device' ? { description: 'Needs a device-bound access token (one whose `did` names a registered, unrevoked device).' } : {}),
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of `routes`. */
export function buildOpenApi(routes: readonly Route[], errorBody: z.ZodType, version: string): Json {
  const errorSchema = schemaOf(errorBody, 'output');
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const p = openapiPath(route.path);
    paths[p] = { ...(paths[p] ?? {}), [route.spec.method.toLowerCase()]: operation(route, errorSchema) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Seed Messenger key service',
      version,
      description: 'Zero-trust key service: stores public keys, signed key-version records and per-device wraps; never a conversation key.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
