/**
 * What a log record may carry (docs/deployment.md §4): an event name and a few flat fields —
 * ids, codes, numbers, booleans and short strings — never message text or key material. Every string is
 * cut to a short length and any run of 32 or more base64/hex characters (a 32-byte key is 43 in base64,
 * 64 in hex; a 24-byte token 32) is replaced by `[redacted]`; our ids (22 characters) survive. Fields named
 * like secrets or content (`…password`, `…token`, `…key`, `…text`, `…body`, …) are redacted whatever
 * they hold; a `code` field spelled like an error code (lower-case words and `_`) is kept whole. Errors
 * contribute their stable `code` and a cleaned message, never a stack.
 */
import { AppError } from '../../common/errors';

export type LogValue = string | number | boolean | null;
export type LogFields = Readonly<Record<string, LogValue>>;

export const REDACTED = '[redacted]';
const MAX_STRING = 120;
const MAX_ERROR_MESSAGE = 200;
const MAX_FIELDS = 16;
const SECRET_RUN = /[A-Za-z0-9+/=_-]{32,}/g;
const FIELD_NAME = /^[a-z][A-Za-z0-9_]{0,39}$/;
const EVENT_NAME = /^[a-z][a-z0-9_.]{0,63}$/;
const CODE = /^[a-z][a-z0-9_.-]{0,63}$/;
/**
 * An error code as the catalogs spell them (`policy_sign_in_method_not_allowed` is 33 characters, which the
 * secret-run rule would redact): lower-case words joined by `_`, no digits — kept as it is in a `code` field.
 */
const ERROR_CODE = /^[a-z]+(?:_[a-z]+){0,11}$/;
const RESERVED = new Set(['time', 'level', 'event', 'error', 'dropped']);
const SECRET_NAME = /(text|body|content|message|password|passphrase|secret|token|key|plaintext|ciphertext|nonce|signature|wrap|seed|mnemonic|cookie|auth)$/i;

/** `s` cut to `max` characters with every base64/hex-looking run redacted (redaction runs first, so a cut never reveals part of one). */
export function cleanString(s: string, max: number = MAX_STRING): string {
  const cleaned = s.replace(SECRET_RUN, REDACTED).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}

export function cleanEventName(event: string): string {
  return EVENT_NAME.test(event) ? event : 'invalid_event_name';
}

/** The fields that may be written, cleaned; names that are malformed, reserved or beyond the limit are counted in `dropped`. */
export function cleanFields(fields: LogFields): { fields: Record<string, LogValue>; dropped: number } {
  const out: Record<string, LogValue> = {};
  let dropped = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name) || RESERVED.has(name) || Object.keys(out).length >= MAX_FIELDS) {
      dropped += 1;
      continue;
    }
    out[name] = SECRET_NAME.test(name) ? REDACTED : name === 'code' && typeof value === 'string' && ERROR_CODE.test(value) ? value : cleanValue(value);
  }
  return { fields: out, dropped };
}

function cleanValue(value: unknown): LogValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return cleanString(value);
  return REDACTED;
}

/** `{ code, message }` of an error: the AppError code (or the error's class name), its message cleaned. */
export function errorSummary(e: unknown): { code: string; message: string } {
  if (e instanceof AppError && CODE.test(e.code)) return { code: e.code, message: cleanString(e.message, MAX_ERROR_MESSAGE) };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && CODE.test(code.toLowerCase()) ? code.toLowerCase() : cleanString(e.name, 40),
      message: cleanString(e.message, MAX_ERROR_MESSAGE),
    };
  }
  return { code: 'non_error', message: typeof e === 'string' ? cleanString(e, MAX_ERROR_MESSAGE) : typeof e };
}
