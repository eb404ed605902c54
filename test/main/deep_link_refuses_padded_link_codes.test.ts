/**
 * Review M2, the phishing link: an attacker who knows a victim's password starts a device link on their own
 * machine and sends the victim `seed-messenger://link-device?code=…` with the code padded (dashes, spaces,
 * lower case) so that it passes a length rule yet still reads as a valid code once the approval form
 * cleans it. Every padded form is refused with a typed `DeepLinkError` before it becomes a `navigate` event,
 * so nothing reaches the approval form; only the exact canonical code routes.
 */
import { describe, expect, it } from 'vitest';
import { parseLinkInput } from '../../src/common/protocol/deviceLinkCode';
import { navigateSchema } from '../../src/common/ipc/schemas/notifications';
import { routeArgv, routeDeepLink } from '../../src/main/desktop/deepLinkRouter';
import { DeepLinkError, parseDeepLink } from '../../src/main/security/deepLink';

const CODE = 'ABCDEFGHJK';
const padded = [
  'ABCDE-FGHJK-----',
  '-----ABCDEFGHJK-',
  'A-B-C-D-E-F-G-H-J-K',
  'abcdefghjkabcdefghjk'.slice(0, 10) + '------',
  'ABCDE%20FGHJK%20%20%20%20%20',
  'ABCDE+FGHJK+++++',
  `${CODE}${'-'.repeat(400)}`,
];

describe('a deep link cannot pre-fill approval with a padded code', () => {
  it.each(padded)('refuses ?code=%s although the approval form would read it as a valid code', (code) => {
    const raw = `seed-messenger://link-device?code=${code}`;
    const decoded = new URL(raw).searchParams.get('code') ?? '';
    expect(parseLinkInput(decoded).code).toBe(CODE);
    expect(() => parseDeepLink(raw)).toThrow(DeepLinkError);
    const route = routeDeepLink(raw);
    expect(route.ok).toBe(false);
    if (!route.ok) expect(route.error.code).toBe('invalid_deep_link');
    expect(routeArgv(['/opt/seed/seed-messenger', raw])).toMatchObject({ ok: false });
  });

  it('routes only the exact canonical code, which the approval form reads unchanged', () => {
    const route = routeDeepLink(`seed-messenger://link-device?code=${CODE}`);
    expect(route).toEqual({ ok: true, navigate: { kind: 'link-device', code: CODE } });
    expect(parseLinkInput(CODE).code).toBe(CODE);
  });

  it('the navigate event itself refuses a padded code, whoever emits it', () => {
    for (const code of padded) expect(navigateSchema.safeParse({ kind: 'link-device', code }).success, code).toBe(false);
    expect(navigateSchema.safeParse({ kind: 'link-device', code: CODE }).success).toBe(true);
  });

  it('says why in the refusal, without echoing the code', () => {
    expect(() => parseDeepLink('seed-messenger://link-device?code=ABCDE-FGHJK-----')).toThrow(
      'invalid deep link: the device link code is not the 10 characters the new device shows',
    );
  });
});
