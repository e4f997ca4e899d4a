import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addressKind, inCidr, parseAllowance, parseCidr, parseIp, refusedKind } from './ip.ts';

const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : null);

describe('IP addresses', () => {
  it('parses IPv4 and IPv6, brackets, zones, embedded IPv4; refuses the rest', () => {
    assert.equal(hex(parseIp('127.0.0.1')), '7f000001');
    assert.equal(hex(parseIp('::1')), `${'0'.repeat(30)}01`);
    assert.equal(hex(parseIp('[::1]')), `${'0'.repeat(30)}01`);
    assert.equal(hex(parseIp('::')), '0'.repeat(32));
    assert.equal(hex(parseIp('2001:db8::8:800:200c:417a')), '20010db80000000000080800200c417a');
    assert.equal(hex(parseIp('::ffff:127.0.0.1')), `${'0'.repeat(20)}ffff7f000001`);
    assert.equal(hex(parseIp('::ffff:7f00:1')), `${'0'.repeat(20)}ffff7f000001`, 'the form URLs normalise to');
    assert.equal(hex(parseIp('1:2:3:4:5:6:1.2.3.4')), '00010002000300040005000601020304');
    assert.equal(hex(parseIp('fe80::1%eth0')), `fe80${'0'.repeat(26)}01`);
    assert.equal(hex(parseIp('1:2:3:4:5:6:7:8')), '00010002000300040005000600070008');
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '01.2.3.4',
      '0x7f.0.0.1',
      '1.2.3.-4',
      '1::2::3',
      ':::',
      ':1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8',
      '12345::',
      'g::1',
      '::1.2.3',
      'localhost',
      '[::1',
    ])
      assert.equal(parseIp(bad), null, bad);
  });

  it('reads back any address as URLs write it (compressed IPv6, IPv4-mapped)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(7), fc.nat(4), (bytes, at, zeros) => {
        const b = Uint8Array.from(bytes);
        b.fill(0, at * 2, Math.min(16, (at + zeros) * 2)); // a run of zero groups for `::`
        const full = Array.from({ length: 8 }, (_, i) =>
          (((b[i * 2] as number) << 8) | (b[i * 2 + 1] as number)).toString(16),
        );
        const written = new URL(`http://[${full.join(':')}]/`).hostname;
        assert.equal(hex(parseIp(written)), hex(b), written);
      }),
      { seed: 7, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        assert.equal(hex(parseIp(b.join('.'))), hex(b));
        assert.equal(hex(parseIp(`::ffff:${b.join('.')}`)?.slice(12) ?? null), hex(b));
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('matches CIDR ranges of either family, never across families', () => {
    assert.ok(inCidr(parseIp('10.1.2.3') as Uint8Array, parseCidr('10.0.0.0/8')));
    assert.ok(!inCidr(parseIp('11.1.2.3') as Uint8Array, parseCidr('10.0.0.0/8')));
    assert.ok(inCidr(parseIp('172.31.255.255') as Uint8Array, parseCidr('172.16.0.0/12')));
    assert.ok(!inCidr(parseIp('172.32.0.0') as Uint8Array, parseCidr('172.16.0.0/12')));
    assert.ok(inCidr(parseIp('fd12::1') as Uint8Array, parseCidr('fc00::/7')));
    assert.ok(inCidr(parseIp('1.2.3.4') as Uint8Array, parseCidr('0.0.0.0/0')));
    assert.ok(!inCidr(parseIp('::ffff:10.0.0.1') as Uint8Array, parseCidr('10.0.0.0/8')), 'families apart');
    assert.ok(inCidr(parseIp('127.0.0.1') as Uint8Array, parseCidr('127.0.0.1')), 'a bare address is /32');
    assert.throws(() => parseCidr('10.0.0.0/33'), /over 32/);
    assert.throws(() => parseCidr('::/129'), /over 128/);
    assert.throws(() => parseCidr('10.0.0.0/x'), /prefix/);
    assert.throws(() => parseCidr('10.0.0.0/8/8'), /not an IP/);
    assert.throws(() => parseCidr('example.com'), /not an IP/);
  });

  it('tells IPv4 kinds apart', () => {
    const cases: [string, string][] = [
      ['8.8.8.8', 'public'],
      ['93.184.216.34', 'public'],
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.0.1', 'private'],
      ['172.32.0.1', 'public'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['100.127.255.255', 'private'],
      ['100.128.0.1', 'public'],
      ['169.254.169.254', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['255.255.255.255', 'broadcast'],
      ['240.0.0.1', 'reserved'],
      ['192.0.2.1', 'reserved'],
      ['198.18.0.1', 'reserved'],
      ['not an address', 'reserved'],
    ];
    for (const [ip, kind] of cases) assert.equal(addressKind(ip), kind, ip);
  });

  it('tells IPv6 kinds apart, judging embedded IPv4 (mapped, compatible, NAT64, 6to4) as that address', () => {
    const cases: [string, string][] = [
      ['2606:4700:4700::1111', 'public'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fc00::1', 'private'],
      ['fd00:ec2::254', 'private'],
      ['fe80::1', 'link-local'],
      ['febf::1', 'link-local'],
      ['fec0::1', 'reserved'],
      ['ff02::1', 'multicast'],
      ['2001:db8::1', 'reserved'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['[::ffff:7f00:1]', 'loopback'],
      ['::ffff:10.1.1.1', 'private'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['::ffff:8.8.8.8', 'public'],
      ['::127.0.0.1', 'loopback'],
      ['64:ff9b::127.0.0.1', 'loopback'],
      ['64:ff9b::8.8.8.8', 'public'],
      ['2002:7f00:1::1', 'loopback'],
      ['2002:0808:0808::1', 'public'],
    ];
    for (const [ip, kind] of cases) assert.equal(addressKind(ip), kind, ip);
  });
});

describe('what the operator allows (WEBHOOK_ALLOW_PRIVATE)', () => {
  it('refuses every non-public address by default, allows all with true, or the ranges listed', () => {
    assert.equal(parseAllowance(''), 'none');
    assert.equal(parseAllowance('false'), 'none');
    assert.equal(parseAllowance('TRUE'), 'all');
    const list = parseAllowance('127.0.0.1, 10.0.0.0/8,fd00::/8');
    assert.ok(Array.isArray(list) && list.length === 3);
    assert.throws(() => parseAllowance('10.0.0.0/8,'), /empty entry/);
    assert.throws(() => parseAllowance('intranet'), /not an IP/);

    assert.equal(refusedKind('127.0.0.1', 'none'), 'loopback');
    assert.equal(refusedKind('::ffff:127.0.0.1', 'none'), 'loopback');
    assert.equal(refusedKind('8.8.8.8', 'none'), null);
    assert.equal(refusedKind('127.0.0.1', 'all'), null);
    assert.equal(refusedKind('169.254.169.254', 'all'), null);
    assert.equal(refusedKind('127.0.0.1', list), null);
    assert.equal(refusedKind('::ffff:127.0.0.1', list), null, 'a mapped address is allowed as its IPv4 one');
    assert.equal(refusedKind('127.0.0.2', list), 'loopback');
    assert.equal(refusedKind('10.9.9.9', list), null);
    assert.equal(refusedKind('192.168.0.1', list), 'private');
    assert.equal(refusedKind('fd00::1', list), null);
    assert.equal(refusedKind('::1', list), 'loopback', 'IPv4 loopback allowed says nothing of IPv6 loopback');
    assert.equal(refusedKind('169.254.169.254', list), 'link-local');
    assert.equal(refusedKind('garbage', 'all'), 'reserved', 'never an unparsable address');
  });
});
