/**
 * Request signatures v2 (docs/pubnub-wire.md §0): `v2.` + base64url-without-padding of
 * HMAC-SHA256(secretKey, `METHOD\npublishKey\npath\nsortedQuery\n` + body for POST/PATCH), where `sortedQuery`
 * is every query parameter but `signature`, sorted by name, as `name=encode(value)` joined by `&`, and publish
 * is always signed as `GET`. The signed `timestamp` must be within the accepted clock skew.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../options';
import { pubnubEncode } from '../http/percentEncoding';

export interface SignedRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly query: ReadonlyMap<string, string>;
  /** The body text as sent (only read for POST and PATCH). */
  readonly body: string;
}

export function signatureInput(publishKey: string, req: SignedRequest): string {
  const method = req.rawPath.startsWith('/publish') ? 'GET' : req.method;
  const query = [...req.query.keys()]
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${pubnubEncode(req.query.get(k) ?? '')}`)
    .join('&');
  const body = method === 'POST' || method === 'PATCH' ? req.body : '';
  return `${method}\n${publishKey}\n${req.rawPath}\n${query}\n${body}`;
}

export function computeSignature(secretKey: string, publishKey: string, req: SignedRequest): string {
  const digest = createHmac('sha256', secretKey).update(signatureInput(publishKey, req)).digest('base64url');
  return `v2.${digest}`;
}

/** True when `signature` is the v2 signature of the request and its timestamp is fresh. */
export function isValidSignature(secretKey: string, publishKey: string, req: SignedRequest, nowSeconds: number): boolean {
  const given = req.query.get('signature') ?? '';
  const timestamp = Number(req.query.get('timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > LIMITS.signatureSkewSeconds) return false;
  const expected = Buffer.from(computeSignature(secretKey, publishKey, req));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
