import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import {
  type ConsumeResult,
  type CreatorSessionStore,
  createAttemptLimiter,
  createCreatorSessions,
  createMagicLinks,
} from '@gatehouse/sign-in';
import { createCreatorSignIn } from './creator-sign-in.service.ts';
import type { IdentityStore, Membership, TenantRecord, UserRecord } from './identity.ports.ts';
import { createOperatorGate } from './operator.service.ts';

const code = (expected: string) => (error: unknown) => isAppError(error) && error.code === expected;
const tenant = (id: string): TenantRecord => ({
  id,
  slug: id,
  name: `Tenant ${id}`,
  status: 'active',
  chargesEnabled: false,
  detailsSubmitted: false,
  stripeAccountId: null,
  applicationFeeBps: 0,
  createdAt: new Date(0),
});

/** In-memory doubles of the domain's ports; the real ones are tested in services/web/test. */
function world() {
  const users: UserRecord[] = [{ id: 'u1', email: 'ada@acme.test', name: null }];
  const members: Record<string, Membership[]> = {
    u1: [
      { tenantId: 't1', slug: 't1', name: 'Tenant t1', role: 'owner' },
      { tenantId: 't2', slug: 't2', name: 'Tenant t2', role: 'member' },
    ],
  };
  const identity: IdentityStore = {
    findUserByEmail: async (email) => users.find((u) => u.email === email),
    findUser: async (id) => users.find((u) => u.id === id),
    memberships: async (userId) => members[userId] ?? [],
    findTenant: async (id) => (['t1', 't2', 't3'].includes(id) ? tenant(id) : undefined),
  };
  const links = new Map<string, { userId: string; used: boolean }>();
  const sessions = new Map<string, Parameters<CreatorSessionStore['create']>[0]>();
  const store: CreatorSessionStore = {
    async create(session) {
      sessions.set(session.idHash, session);
    },
    async find(idHash) {
      const s = sessions.get(idHash);
      return (
        s && {
          userId: s.userId,
          tenantId: s.tenantId,
          csrfHash: s.csrfHash,
          expiresAt: s.expiresAt,
          lastSeenAt: s.now,
          createdAt: s.now,
          tenantStatus: 'active',
          tenantStripeAccountId: null,
          isMember: true,
        }
      );
    },
    renew: async () => {},
    async delete(idHash) {
      sessions.delete(idHash);
    },
    async switchTenant(idHash, tenantId) {
      const s = sessions.get(idHash);
      if (s) s.tenantId = tenantId;
    },
  };
  const sent: { to: string; subject: string; text: string }[] = [];
  const mailErrors: unknown[] = [];
  let mailFails = false;
  const signIn = createCreatorSignIn({
    identity,
    links: createMagicLinks<string>({
      ttlSeconds: 900,
      store: {
        async create(link) {
          links.set(link.tokenHash, { userId: link.subject, used: false });
        },
        async consume(tokenHash): Promise<ConsumeResult<string>> {
          const link = links.get(tokenHash);
          if (!link) return { ok: false, reason: 'unknown' };
          if (link.used) return { ok: false, reason: 'spent' };
          link.used = true;
          return { ok: true, subject: link.userId };
        },
      },
    }),
    sessions: createCreatorSessions(store),
    mailer: {
      async send(mail) {
        if (mailFails) throw new Error('smtp down');
        sent.push(mail);
      },
    },
    limiter: createAttemptLimiter({ limit: 2, windowMs: 60_000 }),
    baseUrl: 'https://gatehouse.example',
    signInLinkTtlSeconds: 900,
    inviteLinkTtlSeconds: 72 * 3600,
    onMailError: (error) => mailErrors.push(error),
  });
  return { signIn, sent, mailErrors, failMail: () => (mailFails = true) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const tokenIn = (text: string) => /confirm#token=([A-Za-z0-9_-]{43})/.exec(text)![1]!;

test('a known address gets a link to the confirm page; an unknown one nothing; both the same answer', async () => {
  const { signIn, sent } = world();
  assert.equal(await signIn.requestLink(' ADA@acme.test '), undefined);
  assert.equal(await signIn.requestLink('nobody@acme.test'), undefined);
  await settle();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.to, 'ada@acme.test');
  assert.match(sent[0]!.text, /https:\/\/gatehouse\.example\/app\/sign-in\/confirm#token=[A-Za-z0-9_-]{43}/);
  await assert.rejects(signIn.requestLink('not an address'), code('VALIDATION_FAILED'));
});

test('the per-address limit answers 429 for known and unknown addresses alike', async () => {
  const { signIn } = world();
  for (const address of ['ada@acme.test', 'nobody@acme.test']) {
    await signIn.requestLink(address);
    await signIn.requestLink(address);
    await assert.rejects(signIn.requestLink(address), code('RATE_LIMITED'));
  }
});

test('confirm signs in on the owned tenant first; switching needs membership; sign-out ends the session', async () => {
  const { signIn, sent } = world();
  await signIn.requestLink('ada@acme.test');
  await settle();
  const signedIn = await signIn.confirm(tokenIn(sent[0]!.text));
  assert.equal(signedIn.view.tenant.id, 't1');
  assert.deepEqual(
    signedIn.view.tenants.map((t) => [t.id, t.role]),
    [
      ['t1', 'owner'],
      ['t2', 'member'],
    ],
  );
  await assert.rejects(signIn.confirm(tokenIn(sent[0]!.text)), code('link_expired'));

  const cookie = `gh_studio=${signedIn.cookie.value}`;
  const write = { cookie, 'x-csrf-token': signedIn.view.csrfToken };
  await assert.rejects(
    signIn.switchTenant({ method: 'POST', headers: { cookie } }, 't2'),
    code('csrf_invalid'),
  );
  await assert.rejects(signIn.switchTenant({ method: 'POST', headers: write }, 't3'), code('NOT_FOUND'));
  assert.equal((await signIn.switchTenant({ method: 'POST', headers: write }, 't2')).tenant.id, 't2');
  assert.equal((await signIn.current({ method: 'GET', headers: { cookie } })).view.tenant.id, 't2');

  await assert.rejects(signIn.signOut({ method: 'POST', headers: { cookie } }), code('csrf_invalid'));
  await signIn.signOut({ method: 'POST', headers: write });
  await assert.rejects(signIn.current({ method: 'GET', headers: { cookie } }), code('UNAUTHENTICATED'));
});

test('a failed sign-in mail is reported, not thrown at the requester; a failed invitation says so', async () => {
  const { signIn, mailErrors, failMail } = world();
  failMail();
  await signIn.requestLink('ada@acme.test');
  await settle();
  assert.equal(mailErrors.length, 1);
  assert.equal(await signIn.invite({ id: 'u1', email: 'ada@acme.test', name: null }, 'Acme'), false);
});

test('the operator gate accepts only the exact key', () => {
  const gate = createOperatorGate('operator-key-0123456789abcdef-0123456789');
  assert.doesNotThrow(() => gate.verify('Bearer operator-key-0123456789abcdef-0123456789'));
  for (const header of [
    undefined,
    'Bearer operator-key',
    'Basic x',
    'Bearer operator-key-0123456789abcdef-01234567890',
  ])
    assert.throws(() => gate.verify(header), code('UNAUTHENTICATED'));
});
