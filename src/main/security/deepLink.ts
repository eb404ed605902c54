/**
 * Strict parser for the app's deep links (`seed-messenger:` scheme, registered by the installer):
 *   seed-messenger://conversation/<conversationId>   open a conversation
 *   seed-messenger://link-device?code=<link code>      start approving a device link
 * Anything else — other hosts, extra path segments, unknown query keys, ids outside the id alphabet — is a
 * `DeepLinkError`; a deep link never carries anything that is executed or fetched.
 * A link-device code must be exactly the canonical link code: the 10 characters of the key service's
 * alphabet, upper case, nothing else (review M2). The approval form's own reading is lenient (it drops
 * spaces and dashes a person types), so a looser rule here let `?code=ABCDE-FGHJK-----` pre-fill a valid
 * code into approval; a link is refused unless its code needs no such cleaning.
 */
import { AppError } from '../../common/errors';
import { LINK_CODE_ALPHABET } from '../../common/protocol/deviceLinkCode';

export const DEEP_LINK_SCHEME = 'seed-messenger:';
const ID = /^[A-Za-z0-9_-]{8,64}$/;
/** The canonical link code (src/common/protocol/deviceLinkCode.ts): 10 characters of its alphabet. */
export const DEEP_LINK_CODE = new RegExp(`^[${LINK_CODE_ALPHABET}]{10}$`);
const MAX_LENGTH = 1024;

export type DeepLink = { kind: 'conversation'; conversationId: string } | { kind: 'link-device'; code: string };

export class DeepLinkError extends AppError {
  constructor(reason: string) {
    super('invalid_deep_link', `invalid deep link: ${reason}`, 'validation');
  }
}

export function parseDeepLink(raw: string): DeepLink {
  if (raw.length > MAX_LENGTH) throw new DeepLinkError('too long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DeepLinkError('not a URL');
  }
  if (url.protocol !== DEEP_LINK_SCHEME) throw new DeepLinkError(`scheme ${url.protocol}`);
  if (url.username || url.password || url.port || url.hash) throw new DeepLinkError('unexpected URL parts');
  const segments = url.pathname.split('/').filter((s) => s.length > 0);
  const keys = [...url.searchParams.keys()];
  switch (url.hostname) {
    case 'conversation': {
      const id = segments[0];
      if (segments.length !== 1 || id === undefined || !ID.test(id) || keys.length > 0) throw new DeepLinkError('bad conversation link');
      return { kind: 'conversation', conversationId: id };
    }
    case 'link-device': {
      const code = url.searchParams.get('code');
      if (segments.length !== 0 || keys.length !== 1 || code === null) throw new DeepLinkError('bad device link');
      if (!DEEP_LINK_CODE.test(code)) throw new DeepLinkError('the device link code is not the 10 characters the new device shows');
      return { kind: 'link-device', code };
    }
    default:
      throw new DeepLinkError(`unknown target ${JSON.stringify(url.hostname.slice(0, 40))}`);
  }
}

/** The deep link among a second instance's command-line arguments, if any (Windows/Linux deliver it there). */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  return argv.find((a) => a.startsWith(`${DEEP_LINK_SCHEME}//`)) ?? null;
}
