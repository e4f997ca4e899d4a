import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from './address.ts';

describe('addressKey', () => {
  it('keeps IPv4 addresses, and counts IPv6 ones by their /64', () => {
    assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002::1'), '2001:db8:1:2::/64', 'leading zeros and ::');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey(null), 'unknown');
    // Every address of one /64 is one key: a host cannot take a new one per attempt.
    const keys = new Set(Array.from({ length: 50 }, (_, i) => addressKey(`2001:db8:5:6::${i.toString(16)}`)));
    assert.equal(keys.size, 1);
  });
});
