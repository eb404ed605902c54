/**
 * The system browser for single sign-on in the Electron build (RFC 8252 §8.12: an external user agent,
 * never an embedded web view): the authorization URL goes through the same link rules as every link that
 * leaves the app (https only, no credentials in the URL: src/main/security/navigation.ts), then to the
 * operating system's browser.
 */
import { externalLinkDecision } from '../security/navigation';

export function ssoBrowser(openExternal: (url: string) => Promise<void>): (url: string) => Promise<void> {
  return async (url) => {
    const decision = externalLinkDecision(url, { allowedHosts: [] });
    if (!decision.open) throw new Error(`the sign-in address was refused: ${decision.reason}`);
    await openExternal(decision.url);
  };
}
