/**
 * Which key managers a client talks to (docs/broadcast.md §6 "Custom key managers"): a key manager holds
 * every channel private key and receives each caller's role claim and device certificate, so it is reached
 * over `https:` only; plain `http:` is allowed for loopback hosts (127.0.0.0/8, `::1`, `localhost`), which
 * a developer runs on their own machine. A refused URL is `key_manager_url_refused`, whose message is the
 * sentence people read. Checked wherever a URL enters: the client's broadcast service, the desktop
 * handlers, the CLI and the "New channel" form.
 */
import { KeyManagerError } from './errors';

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:?#@[\]\s]+)(?::[0-9]{1,5})?(?:[/?#].*)?$/;

/** True for 127.0.0.0/8, `::1` and `localhost` (the host part of a URL, brackets kept for IPv6). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '[0:0:0:0:0:0:0:1]') return true;
  const v4 = /^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(h);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/** Why `url` may not be used as a key manager (a sentence for people), or null when it may. */
export function keyManagerUrlProblem(url: string): string | null {
  const parts = URL_PARTS.exec(url.trim());
  if (parts === null) return 'The key manager address is not a web address. Use an https:// address.';
  const scheme = (parts[1] ?? '').toLowerCase();
  const host = parts[2] ?? '';
  if (scheme === 'https') return null;
  if (scheme === 'http' && isLoopbackHost(host)) return null;
  if (scheme === 'http') return `The key manager ${host} is not reached over https, so anyone on the network could read this channel. Use an https:// address.`;
  return `The key manager address must start with https://, not ${scheme}://.`;
}

/** Throws `key_manager_url_refused` (its message is the sentence people read) unless `url` may be used. */
export function assertKeyManagerUrl(url: string): void {
  const problem = keyManagerUrlProblem(url);
  if (problem !== null) throw new KeyManagerError('key_manager_url_refused', problem);
}
