import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { billingApp, createPlanRow, createTenant, recordedStripe } from './billing-fixtures.ts';

// The dashboard's subscriber list, detail and feed reset against Postgres (no Stripe involved).
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());

type Status = 'active' | 'trialing' | 'past_due' | 'canceled' | 'unpaid';

async function world() {
  const { tenant, apiKey } = await createTenant(prisma);
  const gold = await prisma.plan.update({
    where: { id: (await createPlanRow(prisma, tenant.id)).id },
    data: { name: 'Gold' },
  });
  const silver = await prisma.plan.update({
    where: { id: (await createPlanRow(prisma, tenant.id)).id },
    data: { name: 'Silver' },
  });
  const tag = randomBytes(3).toString('hex');
  const subscriber = async (local: string, subscriptions: { plan: string; status: Status }[] = []) => {
    const row = await prisma.subscriber.create({
      data: { tenantId: tenant.id, email: `${local}-${tag}@example.test` },
    });
    for (const subscription of subscriptions) {
      await prisma.subscription.create({
        data: {
          tenantId: tenant.id,
          subscriberId: row.id,
          planId: subscription.plan,
          status: subscription.status,
          stripeSubscriptionId: `sub_${randomUUID().replaceAll('-', '')}`,
        },
      });
    }
    return row;
  };
  const app = billingApp(prisma, recordedStripe().gateway);
  const auth = { authorization: `Bearer ${apiKey}` };
  const get = (query: string) =>
    app.inject({ method: 'GET', url: `/billing/v1/subscribers${query}`, headers: auth });
  return { tenant, gold, silver, tag, subscriber, app, auth, get };
}

describe('subscribers', () => {
  test('the list shows status, plan and since of the subscription that matters; search and status filter', async (t) => {
    const w = await world();
    t.after(() => w.app.close());
    const ann = await w.subscriber('ann', [
      { plan: w.silver.id, status: 'canceled' },
      { plan: w.gold.id, status: 'active' },
    ]);
    const bob = await w.subscriber('bob', [{ plan: w.silver.id, status: 'trialing' }]);
    const cy = await w.subscriber('cy_100%', [{ plan: w.gold.id, status: 'canceled' }]);
    const dee = await w.subscriber('dee');

    const all = await w.get('');
    assert.equal(all.statusCode, 200, all.body);
    const body = all.json();
    assert.equal(body.nextCursor, null);
    assert.deepEqual(
      body.items.map((item: { id: string }) => item.id),
      [dee.id, cy.id, bob.id, ann.id],
      'newest first',
    );
    const annItem = body.items.find((item: { id: string }) => item.id === ann.id);
    assert.equal(annItem.status, 'active', 'the active subscription wins over the canceled one');
    assert.deepEqual(annItem.plan, { id: w.gold.id, name: 'Gold' });
    const activeSub = await prisma.subscription.findFirstOrThrow({
      where: { subscriberId: ann.id, status: 'active' },
    });
    assert.equal(annItem.since, activeSub.createdAt.toISOString());
    assert.equal(annItem.feedResetAt, null);
    const deeItem = body.items.find((item: { id: string }) => item.id === dee.id);
    assert.equal(deeItem.status, 'none');
    assert.equal(deeItem.plan, null);
    assert.equal(deeItem.since, dee.createdAt.toISOString());

    const ids = async (query: string) => {
      const answer = await w.get(query);
      assert.equal(answer.statusCode, 200, answer.body);
      return answer.json().items.map((item: { id: string }) => item.id);
    };
    assert.deepEqual(await ids('?q=BOB'), [bob.id], 'case-insensitive');
    assert.deepEqual(await ids(`?q=${w.tag}`), [dee.id, cy.id, bob.id, ann.id], 'substring');
    assert.deepEqual(await ids('?q=100%25'), [cy.id], '% matches itself');
    assert.deepEqual(await ids('?q=_'), [cy.id], '_ matches itself');
    assert.deepEqual(await ids('?status=trialing'), [bob.id]);
    assert.deepEqual(await ids('?status=canceled'), [cy.id]);
    assert.deepEqual(await ids('?status=none'), [dee.id]);
    assert.deepEqual(await ids('?status=active&q=bob'), []);

    for (const bad of [
      '?status=gold',
      '?limit=0',
      '?limit=201',
      '?cursor=%%%',
      '?cursor=bm90LWEtdXVpZA',
      '?other=1',
    ]) {
      assert.equal((await w.get(bad)).statusCode, 400, bad);
    }
    assert.equal(
      (await w.app.inject({ method: 'GET', url: '/billing/v1/subscribers' })).statusCode,
      401,
      'no key, no list',
    );
  });

  test('pagination walks every subscriber once; another tenant sees none of them', async (t) => {
    const w = await world();
    t.after(() => w.app.close());
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await w.subscriber(`p${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await w.get(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(answer.statusCode, 200, answer.body);
      const page = answer.json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    // Ids are UUIDv7 (time-ordered); within one millisecond their order is random, so compare sorted.
    assert.deepEqual(seen, [...created].sort().reverse());
    assert.equal(new Set(seen).size, 7, 'no subscriber twice');

    const other = await world();
    t.after(() => other.app.close());
    const theirs = await other.get(`?q=${w.tag}`);
    assert.deepEqual(theirs.json().items, []);
    const detail = await other.app.inject({
      method: 'GET',
      url: `/billing/v1/subscribers/${created[0]}`,
      headers: other.auth,
    });
    assert.equal(detail.statusCode, 404);
    const reset = await other.app.inject({
      method: 'POST',
      url: `/billing/v1/subscribers/${created[0]}/reset-feed`,
      headers: other.auth,
    });
    assert.equal(reset.statusCode, 404);
  });

  test('detail lists every subscription; reset-feed moves the generation and announces it', async (t) => {
    const w = await world();
    t.after(() => w.app.close());
    const ann = await w.subscriber('ann', [
      { plan: w.silver.id, status: 'canceled' },
      { plan: w.gold.id, status: 'past_due' },
    ]);
    const detail = await w.app.inject({
      method: 'GET',
      url: `/billing/v1/subscribers/${ann.id}`,
      headers: w.auth,
    });
    assert.equal(detail.statusCode, 200, detail.body);
    const body = detail.json();
    assert.equal(body.status, 'past_due');
    assert.equal(body.suspended, false);
    assert.deepEqual(
      body.subscriptions
        .map((s: { status: string; plan: { name: string } }) => [s.status, s.plan.name])
        .sort(),
      [
        ['canceled', 'Silver'],
        ['past_due', 'Gold'],
      ],
    );

    const before = await computeSubscriberAccess(prisma, ann.id);
    const reset = await w.app.inject({
      method: 'POST',
      url: `/billing/v1/subscribers/${ann.id}/reset-feed`,
      headers: w.auth,
    });
    assert.equal(reset.statusCode, 200, reset.body);
    const answer = reset.json();
    assert.equal(answer.subscriberId, ann.id);
    assert.equal(answer.generation, (before?.generation ?? 1) + 1);
    const after = await computeSubscriberAccess(prisma, ann.id);
    assert.equal(after?.generation, answer.generation, 'the snapshot carries the new generation');
    // The event the auth projector applies: the old generation answers 410 from then on.
    const event = await prisma.outboxMessage.findUniqueOrThrow({
      where: { msgId: `rotated:${ann.id}:${after?.version}` },
    });
    assert.equal(event.subject, 'gh.access.token.rotated.v1');
    assert.equal((event.payload as { access: { generation: number } }).access.generation, answer.generation);
    assert.equal((event.payload as { rotatedBy: string }).rotatedBy, 'creator');

    const listed = (await w.get('?q=ann')).json().items[0];
    assert.equal(listed.feedResetAt, answer.feedResetAt);
    assert.equal(
      (
        await w.app.inject({
          method: 'POST',
          url: `/billing/v1/subscribers/${randomUUID()}/reset-feed`,
          headers: w.auth,
        })
      ).statusCode,
      404,
    );
  });
});
