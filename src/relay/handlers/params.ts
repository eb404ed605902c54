/**
 * Shared parsing of request parts for the route handlers: keys in the path (checked against the relay's
 * configured keys), the caller's `uuid`, channel lists, integers, booleans and JSON query values. Every failure
 * is a 400 `RelayError` naming the offending part.
 */
import { BadRequestError } from '../errors';
import { checkChannel, checkGroup, checkKey, checkUuid } from '../names';
import { decodeComponent, decodeNameList } from '../http/percentEncoding';
import type { RouteContext } from '../http/router';

function param(ctx: RouteContext, name: string): string {
  const raw = ctx.params[name];
  if (raw === undefined) throw new BadRequestError('malformed_path', `Missing path part ${name}`);
  return raw;
}

export function subscribeKey(ctx: RouteContext): string {
  const key = checkKey(decodeComponent(param(ctx, 'sub'), 'subscribe key'), 'Subscribe');
  const expected = ctx.relay.config.subscribeKey;
  if (expected !== undefined && key !== expected) throw new BadRequestError('invalid_key', 'Invalid Subscribe Key');
  return key;
}

export function publishKey(ctx: RouteContext): string {
  const key = checkKey(decodeComponent(param(ctx, 'pub'), 'publish key'), 'Publish');
  const expected = ctx.relay.config.publishKey;
  if (expected !== undefined && key !== expected) throw new BadRequestError('invalid_key', 'Invalid Publish Key');
  return key;
}

export function callerUuid(ctx: RouteContext): string {
  const uuid = ctx.incoming.query.get('uuid');
  if (uuid === undefined) throw new BadRequestError('missing_uuid', 'uuid is required');
  return checkUuid(uuid);
}

export function pathText(ctx: RouteContext, name: string): string {
  return decodeComponent(param(ctx, name), name);
}

export function oneChannel(ctx: RouteContext, name = 'channel'): string {
  return checkChannel(pathText(ctx, name));
}

export function channelList(ctx: RouteContext, name: string, max: number): string[] {
  const channels = [...new Set(decodeNameList(param(ctx, name), 'channel list'))].map((ch) => checkChannel(ch));
  if (channels.length > max) throw new BadRequestError('invalid_parameter', `At most ${max} channels per request`);
  return channels;
}

/** `channel-group` query value: comma-separated names. */
export function groupList(ctx: RouteContext, allowPresence: boolean): string[] {
  const raw = ctx.incoming.query.get('channel-group') ?? '';
  return [...new Set(raw.split(',').filter((g) => g.length > 0))].map((g) => checkGroup(g, allowPresence));
}

export function intQuery(ctx: RouteContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.incoming.query.get(name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d{1,9}$/.test(raw)) throw new BadRequestError('invalid_parameter', `${name} must be an integer`);
  const value = Number(raw);
  if (value < min || value > max) throw new BadRequestError('invalid_parameter', `${name} must be between ${min} and ${max}`);
  return value;
}

export function flagQuery(ctx: RouteContext, name: string): boolean {
  const raw = ctx.incoming.query.get(name);
  return raw === 'true' || raw === '1';
}

/** Parses JSON text; `what` names it in the error. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('invalid_json', `Invalid JSON in ${what}`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
