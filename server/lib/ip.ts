/**
 * IP addresses as bytes, CIDR ranges, and what kind of address one is — what the server checks before it
 * connects anywhere on a developer's behalf (webhooks: lib/outbound.ts). Written out here, not taken from
 * a library, so that the table of refused ranges can be read in one place.
 */

/** The kinds of address the server does not connect to unless the operator allows it (WEBHOOK_ALLOW_PRIVATE). */
export type RefusedKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';
export type AddressKind = 'public' | RefusedKind;

export interface Cidr {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  bytes: Uint8Array;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Dotted-quad IPv4 (decimal only, no leading zeros beyond a single 0) as 4 bytes, or null. */
function parseIpv4(s: string): Uint8Array | null {
  const m = IPV4.exec(s);
  if (!m) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1] as string;
    if (part.length > 1 && part.startsWith('0')) return null; // 010 is octal to some parsers: refused
    const n = Number(part);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** IPv6 (with `::`, an embedded IPv4 tail, a zone id) as 16 bytes, or null. */
function parseIpv6(input: string): Uint8Array | null {
  const s = input.split('%')[0] as string; // fe80::1%eth0: the zone does not change the address
  if (s.length === 0 || s.length > 45) return null;
  let head = s;
  let tailV4: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(s.slice(lastColon + 1));
    if (!tailV4) return null;
    // `::1.2.3.4` keeps its `::`; `1:2:3:4:5:6:1.2.3.4` drops its last colon with the tail.
    head = s.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = tailV4 ? 6 : 8;
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0] as string);
  const right = halves.length === 2 ? parse(halves[1] as string) : [];
  if (!left || !right) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = groupsWanted - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...Array<number>(missing).fill(0), ...right];
  } else {
    if (left.length !== groupsWanted) return null;
    groups = left;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tailV4) out.set(tailV4, 12);
  return out;
}

/** An IPv4 or IPv6 address (IPv6 possibly in brackets, as in a URL's host) as 4 or 16 bytes, or null. */
export function parseIp(address: string): Uint8Array | null {
  const s = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  return s.includes(':') ? parseIpv6(s) : parseIpv4(s);
}

/** `10.0.0.0/8`, `fc00::/7`, or a bare address (a range of one). Throws on anything else. */
export function parseCidr(text: string): Cidr {
  const [addr = '', prefixText, extra] = text.trim().split('/');
  const bytes = parseIp(addr);
  if (!bytes || extra !== undefined) throw new Error(`not an IP address or CIDR range: "${text}"`);
  const max = bytes.length * 8;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw new Error(`bad prefix length in "${text}"`);
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) throw new Error(`prefix length over ${max} in "${text}"`);
  return { bytes, prefix };
}

/** Whether `ip` (bytes) lies in `range`; an IPv4 address is never in an IPv6 range nor the other way round. */
export function inCidr(ip: Uint8Array, range: Cidr): boolean {
  if (ip.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip[i] as number) & mask) !== ((range.bytes[i] as number) & mask)) return false;
  }
  return true;
}

/** What an IPv6 range carries: its own kind, or an IPv4 address inside it (judged as that address). */
type V6Rule = [range: string, kind: AddressKind | { ipv4At: number }];

/** Most specific first: the first match decides. Anything else is public. */
const V4_RULES: [string, AddressKind][] = [
  ['255.255.255.255/32', 'broadcast'],
  ['0.0.0.0/8', 'unspecified'], // "this network": 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'private'], // shared address space (carrier-grade NAT)
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'], // cloud metadata services live here (169.254.169.254)
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'reserved'], // documentation
  ['192.88.99.0/24', 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'reserved'], // documentation
  ['203.0.113.0/24', 'reserved'], // documentation
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // future use
];
const V6_RULES: V6Rule[] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::ffff:0:0/96', { ipv4At: 12 }], // IPv4-mapped: the socket reaches that IPv4 address
  ['::/96', { ipv4At: 12 }], // IPv4-compatible (deprecated)
  ['64:ff9b::/96', { ipv4At: 12 }], // NAT64: a gateway forwards to the embedded address
  ['64:ff9b:1::/48', 'reserved'], // local-use NAT64
  ['100::/64', 'reserved'], // discard-only
  ['2001::/32', 'reserved'], // Teredo: the embedded address is obfuscated
  ['2001:db8::/32', 'reserved'], // documentation
  ['2002::/16', { ipv4At: 2 }], // 6to4: the relay's IPv4 address is embedded
  ['fc00::/7', 'private'], // unique local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'reserved'], // site-local (deprecated)
  ['ff00::/8', 'multicast'],
];
const v4Rules = V4_RULES.map(([r, kind]) => [parseCidr(r), kind] as const);
const v6Rules = V6_RULES.map(([r, kind]) => [parseCidr(r), kind] as const);

function kindOfBytes(ip: Uint8Array): AddressKind {
  if (ip.length === 4) return v4Rules.find(([range]) => inCidr(ip, range))?.[1] ?? 'public';
  const rule = v6Rules.find(([range]) => inCidr(ip, range))?.[1] ?? 'public';
  if (typeof rule === 'string') return rule;
  return kindOfBytes(ip.slice(rule.ipv4At, rule.ipv4At + 4));
}

/** The kind of an address (IPv4, IPv6, IPv4-mapped IPv6…); an unparsable one counts as reserved. */
export function addressKind(address: string): AddressKind {
  const ip = parseIp(address);
  return ip ? kindOfBytes(ip) : 'reserved';
}

/**
 * Which non-public addresses the operator lets the server connect to: none (the default), all of them
 * (development, tests), or those in a list of ranges.
 */
export type PrivateAllowance = 'none' | 'all' | readonly Cidr[];

/** Parses `WEBHOOK_ALLOW_PRIVATE`: `false`, `true`, or a comma-separated list of addresses / CIDR ranges. */
export function parseAllowance(raw: string): PrivateAllowance {
  const value = raw.trim().toLowerCase();
  if (['', 'false', 'no', '0'].includes(value)) return 'none';
  if (['true', 'yes', '1'].includes(value)) return 'all';
  return value.split(',').map((part) => {
    if (part.trim() === '') throw new Error(`an empty entry in "${raw}"`);
    return parseCidr(part);
  });
}

/**
 * Why the server must not connect to `address`, or null when it may: a public address, or one the
 * allowance covers. An IPv4-mapped IPv6 address is allowed when its IPv4 address is.
 */
export function refusedKind(address: string, allowance: PrivateAllowance): RefusedKind | null {
  const ip = parseIp(address);
  if (!ip) return 'reserved';
  const kind = kindOfBytes(ip);
  if (kind === 'public' || allowance === 'all') return null;
  if (allowance === 'none') return kind;
  const mapped = ip.length === 16 && inCidr(ip, MAPPED) ? ip.slice(12) : null;
  const allowed = allowance.some((range) => inCidr(ip, range) || (mapped !== null && inCidr(mapped, range)));
  return allowed ? null : kind;
}
const MAPPED = parseCidr('::ffff:0:0/96');
