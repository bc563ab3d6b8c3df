import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { uniqueId } from '@gatehouse/testkit';
import { createDomainOwnershipProbe } from '../src/adapters/domain-ownership.client.ts';
import { type DnsResponder, startDnsResponder } from './support/dns-responder.ts';
import {
  type App,
  type Call,
  caller,
  connectParts,
  makeApp,
  newTenant,
  type Parts,
} from './support/media-test-app.ts';

// Custom domains: pending → active only once a proof is seen, through a real resolver (pointed at a
// local DNS server) and a real HTTP request; removal frees the host name for anyone.
describe('custom domain ownership', () => {
  let parts: Parts;
  let dns: DnsResponder;
  let web: Server;
  /** The token files the test's web server answers, by path. */
  const tokenFiles = new Map<string, string>();
  let app: App;
  let call: Call;
  let otherCall: Call;

  before(async () => {
    parts = connectParts();
    dns = await startDnsResponder();
    web = createServer((request, response) => {
      const body = tokenFiles.get(`${request.headers.host?.split(':')[0]}${request.url}`);
      response
        .writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' })
        .end(body ?? 'nope');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    app = makeApp(parts, {
      domainOwnership: {
        dnsServers: [dns.server],
        httpPort: (web.address() as AddressInfo).port,
        allowPrivateAddresses: true,
        timeoutMs: 1000,
      },
    });
    call = caller(app, (await newTenant(parts, 'Domains')).apiKey);
    otherCall = caller(app, (await newTenant(parts, 'Other')).apiKey);
  });
  after(async () => {
    await app.close();
    await dns.close();
    await new Promise((resolve) => web.close(resolve));
    await parts.close();
  });

  const register = async (who: Call, hostname: string) => {
    const created = await who('POST', '/api/v1/domains', { hostname });
    assert.equal(created.statusCode, 201, created.body);
    return created.json() as { id: string; status: string; verificationToken: string };
  };

  test('DNS TXT proof: 422 saying what was looked up until the record exists, then active', async () => {
    const hostname = `${uniqueId('pod')}.example.com`;
    const domain = await register(call, hostname);
    assert.equal(domain.status, 'pending');

    dns.txt.set(`_gatehouse.${hostname}`, ['v=something-else']);
    const early = await call('POST', `/api/v1/domains/${domain.id}/verify`);
    assert.equal(early.statusCode, 422, early.body);
    const details = early.json().error.details;
    assert.equal(details.reason, 'proof_not_found');
    assert.equal(details.expected, domain.verificationToken);
    assert.deepEqual(details.lookedUp[0], {
      method: 'dns',
      name: `_gatehouse.${hostname}`,
      type: 'TXT',
      found: ['v=something-else'],
    });
    assert.equal(details.lookedUp[1].method, 'http');
    assert.equal(
      details.lookedUp[1].url,
      `http://${hostname}/.well-known/gatehouse-domain/${domain.verificationToken}`,
    );
    assert.ok(details.lookedUp[1].error, 'the host has no A record: the HTTP check says why');
    assert.equal((await call('GET', `/api/v1/domains/${domain.id}`)).json().status, 'pending');
    assert.equal((await otherCall('POST', `/api/v1/domains/${domain.id}/verify`)).statusCode, 404);

    dns.txt.set(`_gatehouse.${hostname}`, ['v=something-else', domain.verificationToken]);
    const verified = await call('POST', `/api/v1/domains/${domain.id}/verify`);
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json().status, 'active');
    assert.ok(Date.parse(verified.json().verifiedAt) <= Date.now());
    assert.equal(
      (await call('POST', `/api/v1/domains/${domain.id}/verify`)).json().status,
      'active',
      'idempotent',
    );
  });

  test('HTTP token proof: the token file on the host makes it active; a wrong body does not', async () => {
    const hostname = `${uniqueId('pod')}.example.org`;
    const domain = await register(call, hostname);
    dns.a.set(hostname, '127.0.0.1');
    const path = `${hostname}/.well-known/gatehouse-domain/${domain.verificationToken}`;
    tokenFiles.set(path, 'not the token');
    const wrong = await call('POST', `/api/v1/domains/${domain.id}/verify`);
    assert.equal(wrong.statusCode, 422, wrong.body);
    assert.deepEqual(wrong.json().error.details.lookedUp[1].found, ['not the token']);

    tokenFiles.set(path, `${domain.verificationToken}\n`);
    const verified = await call('POST', `/api/v1/domains/${domain.id}/verify`);
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json().status, 'active');
  });

  test('the HTTP check does not connect to private addresses unless allowed (tests only)', async () => {
    const hostname = `${uniqueId('inward')}.example.org`;
    dns.a.set(hostname, '127.0.0.1');
    const probe = createDomainOwnershipProbe({
      dnsServers: [dns.server],
      httpPort: (web.address() as AddressInfo).port,
    });
    const check = await probe.httpToken(hostname, '/.well-known/gatehouse-domain/x');
    assert.deepEqual(check.found, []);
    assert.match(check.error ?? '', /private address \(127\.0\.0\.1\)/);
  });

  test('removal frees the host name: another tenant can claim it; the old id is gone', async () => {
    const hostname = `${uniqueId('pod')}.example.net`;
    const mine = await register(call, hostname);
    assert.equal((await otherCall('POST', '/api/v1/domains', { hostname })).statusCode, 409, 'taken');
    assert.equal((await otherCall('DELETE', `/api/v1/domains/${mine.id}`)).statusCode, 404);
    const removed = await call('DELETE', `/api/v1/domains/${mine.id}`);
    assert.equal(removed.statusCode, 200);
    assert.equal(removed.json().status, 'removing');
    assert.equal((await call('GET', `/api/v1/domains/${mine.id}`)).statusCode, 404);
    assert.equal(await parts.prisma.customDomain.count({ where: { hostname } }), 0);
    const theirs = await register(otherCall, hostname);
    assert.equal(theirs.status, 'pending');
    assert.notEqual(theirs.verificationToken, mine.verificationToken, 'a new claim needs a new proof');
  });
});
