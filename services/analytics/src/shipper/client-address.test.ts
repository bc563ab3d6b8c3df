import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAddress } from './client-address.ts';

test('IPv4: hashed whole, network is the /24', () => {
  assert.deepEqual(clientAddress('203.0.113.77'), { hashInput: '203.0.113.77', network: '203.0.113.0/24' });
  assert.deepEqual(clientAddress('::ffff:198.51.100.9'), {
    hashInput: '198.51.100.9',
    network: '198.51.100.0/24',
  });
});

test('IPv6: reduced to the /64 before hashing, in RFC 5952 text', () => {
  const a = clientAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
  const b = clientAddress('2001:0DB8:0001:0002::1');
  assert.deepEqual(a, { hashInput: '2001:db8:1:2::/64', network: '2001:db8:1:2::/64' });
  assert.deepEqual(b, a, 'two addresses of one /64 are one listener address');
  assert.equal(clientAddress('2001:db8::5')?.network, '2001:db8::/64');
  assert.equal(clientAddress('::1')?.network, '::/64');
  assert.equal(clientAddress('fe80::1%eth0')?.network, 'fe80::/64');
  assert.equal(clientAddress('2001:db8:0:0:1::7')?.network, '2001:db8::/64');
  assert.equal(clientAddress('2001:0:0:1:2:3:4:5')?.network, '2001:0:0:1::/64');
});

test('anything else is not an address', () => {
  for (const bad of ['', '-', 'localhost', '300.1.1.1', '1.2.3', 'unix:', '2001:db8::g']) {
    assert.equal(clientAddress(bad), undefined, bad);
  }
});
