import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import {
  buildWebApp,
  createTenant,
  fakeUiDir,
  type Mail,
  mailErrors,
  OPERATOR_KEY,
  operator,
  startMail,
  type WebApp,
} from './support/web-fixture.ts';

// The operator API over real Postgres and a real SMTP peer.
const env = stackEnv();
let prisma: PrismaClient;
let mail: Mail;
let app: WebApp;

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  mail = await startMail();
  app = buildWebApp(prisma, mail, { uiDir: await fakeUiDir() });
});
after(async () => {
  await app.close();
  await mail.close();
  await prisma.$disconnect();
  assert.deepEqual(mailErrors, []);
});

const slug = () => uniqueId('t').toLowerCase();
const email = () => `${uniqueId('op')}@example.test`.toLowerCase();

describe('operator API', () => {
  test('no key, a wrong key or a malformed header: 401, nothing created', async () => {
    const body = { slug: slug(), name: 'X', ownerEmail: email() };
    for (const authorization of [
      undefined,
      `Bearer ${OPERATOR_KEY}x`,
      `Bearer ${OPERATOR_KEY.slice(0, -1)}`,
      OPERATOR_KEY,
    ]) {
      const answer = await app.inject({
        method: 'POST',
        url: '/operator/v1/tenants',
        headers: authorization ? { authorization } : {},
        payload: body,
      });
      assert.equal(answer.statusCode, 401, String(authorization));
      assert.equal(answer.json().error.code, 'UNAUTHENTICATED');
    }
    assert.equal((await app.inject({ method: 'GET', url: '/operator/v1/tenants' })).statusCode, 401);
    assert.equal(await prisma.tenant.count({ where: { slug: body.slug } }), 0);
  });

  test('create → owner invited; a duplicate slug is 409 and writes nothing', async () => {
    const owner = email();
    const s = slug();
    const created = await createTenant(app, s, owner.toUpperCase());
    assert.equal(created.inviteSent, true);
    assert.equal((await mail.nth(owner, 1)).subject, `You are invited to Creator ${s} on Gatehouse`);
    const member = await prisma.tenantMember.findFirstOrThrow({ where: { tenantId: created.tenant.id } });
    assert.equal(member.role, 'owner');

    const other = email();
    const duplicate = await app.inject({
      method: 'POST',
      url: '/operator/v1/tenants',
      headers: operator,
      payload: { slug: s, name: 'Again', ownerEmail: other },
    });
    assert.equal(duplicate.statusCode, 409);
    assert.match(duplicate.json().error.message, /already taken/);
    assert.equal(await prisma.user.count({ where: { email: other } }), 0, 'no user left behind');

    for (const payload of [
      { slug: 'Bad Slug', name: 'x', ownerEmail: other },
      { slug: slug(), name: 'x', ownerEmail: 'nope' },
      { slug: slug(), name: 'x', ownerEmail: other, extra: 1 },
    ]) {
      const bad = await app.inject({
        method: 'POST',
        url: '/operator/v1/tenants',
        headers: operator,
        payload,
      });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    }
  });

  test('list, get by id or slug, set name and fee (validated), 404 for unknown', async () => {
    const created = await createTenant(app, slug(), email());
    const list = await app.inject({ method: 'GET', url: '/operator/v1/tenants', headers: operator });
    assert.ok(list.json().items.some((t: { id: string }) => t.id === created.tenant.id));
    const bySlug = await app.inject({
      method: 'GET',
      url: `/operator/v1/tenants/${created.tenant.slug}`,
      headers: operator,
    });
    assert.equal(bySlug.json().id, created.tenant.id);
    const patch = (payload: object, ref = created.tenant.id) =>
      app.inject({ method: 'PATCH', url: `/operator/v1/tenants/${ref}`, headers: operator, payload });
    const fee = await patch({ applicationFeeBps: 250, name: 'Renamed' });
    assert.equal(fee.statusCode, 200, fee.body);
    assert.equal(fee.json().applicationFeeBps, 250);
    assert.equal(fee.json().name, 'Renamed');
    for (const bad of [
      { applicationFeeBps: -1 },
      { applicationFeeBps: 10_001 },
      { applicationFeeBps: 1.5 },
      {},
      { name: '' },
    ]) {
      assert.equal((await patch(bad)).statusCode, 400, JSON.stringify(bad));
    }
    assert.equal(
      (await prisma.tenant.findUniqueOrThrow({ where: { id: created.tenant.id } })).applicationFeeBps,
      250,
    );
    assert.equal((await patch({ name: 'x' }, 'no-such-tenant')).statusCode, 404);
    assert.equal((await patch({ name: 'x' }, '00000000-0000-7000-8000-000000000000')).statusCode, 404);
  });

  test('API keys: create shows the key once, list, revoke; a key of another tenant is 404', async () => {
    const a = await createTenant(app, slug(), email());
    const b = await createTenant(app, slug(), email());
    const created = await app.inject({
      method: 'POST',
      url: `/operator/v1/tenants/${a.tenant.id}/api-keys`,
      headers: operator,
      payload: { name: 'ci' },
    });
    assert.equal(created.statusCode, 201);
    assert.match(created.json().key, /^ghk_/);
    const list = await app.inject({
      method: 'GET',
      url: `/operator/v1/tenants/${a.tenant.slug}/api-keys`,
      headers: operator,
    });
    assert.deepEqual(
      list.json().items.map((k: { id: string }) => k.id),
      [created.json().id],
    );
    const wrongTenant = await app.inject({
      method: 'DELETE',
      url: `/operator/v1/tenants/${b.tenant.id}/api-keys/${created.json().id}`,
      headers: operator,
    });
    assert.equal(wrongTenant.statusCode, 404);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/operator/v1/tenants/${a.tenant.id}/api-keys/${created.json().id}`,
      headers: operator,
    });
    assert.equal(revoked.statusCode, 204);
    assert.notEqual(
      (await prisma.tenantApiKey.findUniqueOrThrow({ where: { id: created.json().id } })).revokedAt,
      null,
    );
  });

  test('an invitation to an unknown tenant is 404; to a known one adds a member and mails a link', async () => {
    const invitee = email();
    const missing = await app.inject({
      method: 'POST',
      url: '/operator/v1/tenants/no-such-tenant/invites',
      headers: operator,
      payload: { email: invitee },
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(await prisma.user.count({ where: { email: invitee } }), 0);
    const a = await createTenant(app, slug(), email());
    const invited = await app.inject({
      method: 'POST',
      url: `/operator/v1/tenants/${a.tenant.id}/invites`,
      headers: operator,
      payload: { email: invitee },
    });
    assert.equal(invited.statusCode, 201);
    assert.deepEqual(
      { role: invited.json().role, sent: invited.json().inviteSent },
      { role: 'member', sent: true },
    );
    await mail.nth(invitee, 1);
  });
});
