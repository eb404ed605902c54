/**
 * Where the app window may go (Electron security checklist §13 "Disable or limit navigation" and §14
 * "Disable or limit creation of new windows"): in-app navigation only within the app's own origin
 * (`app://seed` for the packaged renderer, see appProtocol.ts; the dev server's origin in development); links
 * leave the app only through the OS browser, only over https, without credentials in the URL, and — when
 * the deployment sets an allowlist — only to listed hosts.
 */
import { originOf } from '../ipc/senderPolicy';

export function isAllowedNavigation(targetUrl: string, appOrigin: string): boolean {
  return originOf(targetUrl) === appOrigin && appOrigin !== 'invalid:';
}

export interface ExternalLinkRules {
  /** Lower-case host names; empty means any host (still https only). */
  allowedHosts: readonly string[];
}

export type ExternalLinkDecision = { open: true; url: string } | { open: false; reason: string };

export function externalLinkDecision(rawUrl: string, rules: ExternalLinkRules): ExternalLinkDecision {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { open: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:') return { open: false, reason: `scheme ${url.protocol} is not allowed` };
  if (url.username || url.password) return { open: false, reason: 'credentials in links are not allowed' };
  const host = url.hostname.toLowerCase();
  if (rules.allowedHosts.length > 0 && !rules.allowedHosts.includes(host)) {
    return { open: false, reason: `host ${host} is not on the allowlist` };
  }
  return { open: true, url: url.toString() };
}
