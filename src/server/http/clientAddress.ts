/**
 * The client address that rate limits key on (docs/operations.md, "Rate limits behind a proxy"). By default it
 * is the socket's peer address and `X-Forwarded-For` is ignored: anyone can write that header. An operator who
 * runs the key service behind a reverse proxy names the proxy's addresses (or CIDR ranges) as trusted; for a
 * request whose peer is trusted, `X-Forwarded-For` is read from the right, skipping trusted hops, and the first
 * address that is not trusted is the client — the address the last trusted proxy saw. Entries left of it were
 * written by the client and are never believed. An entry that is not an IP address ends the walk; the last
 * trusted hop is then the client (a broken proxy chain limits the proxy, not a client it cannot name).
 */
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../common/errors';

/** Bad `trustedProxies` option: the key service refuses to start. */
export class TrustedProxyConfigError extends AppError {
  constructor(entry: string) {
    super('invalid_config', `trusted proxy '${entry.slice(0, 60)}' is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)`, 'validation');
  }
}

export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** `entries`: IPv4/IPv6 addresses and CIDR ranges; throws TrustedProxyConfigError for anything else. */
  constructor(entries: readonly string[] = []) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', prefixText, extra] = entry.trim().split('/');
      const family = isIP(address);
      if (family === 0 || extra !== undefined) throw new TrustedProxyConfigError(entry);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefixText === undefined) {
        this.list.addAddress(address, type);
        continue;
      }
      const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
      if (prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new TrustedProxyConfigError(entry);
      this.list.addSubnet(address, prefix, type);
    }
  }

  /** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6) is a configured proxy. */
  trusts(address: string): boolean {
    const family = isIP(address);
    if (family === 0 || this.empty) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, so one client has one key whichever socket family it arrived on. */
function normal(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** The client address of a request whose socket peer is `peer` and whose `X-Forwarded-For` header is `forwarded`. */
export function clientAddress(peer: string | undefined, forwarded: string | string[] | undefined, trusted: TrustedProxies): string {
  let client = normal(peer ?? 'unknown');
  if (!trusted.trusts(client) || forwarded === undefined) return client;
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normal(hops[i] ?? '');
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.trusts(hop)) return client;
  }
  return client;
}
