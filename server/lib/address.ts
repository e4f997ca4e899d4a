import { isIPv6 } from 'node:net';

/**
 * The key an address is counted under by per-address limits (requests, sign-ups, sign-in failures,
 * sockets). An IPv4 address is itself; an IPv6 address counts as its /64 network, since one host
 * commonly holds a whole /64 and could otherwise take a fresh address for every attempt. IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`) counts as the IPv4 address.
 */
export function addressKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(ip)) return ip;
  const zoneless = ip.split('%')[0] as string;
  const [head = '', tail = ''] = zoneless.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = zoneless.includes('::') ? (tail ? tail.split(':') : []) : [];
  // An embedded IPv4 in the last 32 bits counts as two groups; only the first four matter here.
  const missing = 8 - headParts.length - tailParts.length - (tailParts.at(-1)?.includes('.') ? 1 : 0);
  const groups = zoneless.includes('::')
    ? [...headParts, ...Array(Math.max(0, missing)).fill('0'), ...tailParts]
    : headParts;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
