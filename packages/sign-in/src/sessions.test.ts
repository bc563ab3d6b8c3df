import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import {
  type CreatorSessionFound,
  type CreatorSessionStore,
  createCreatorSessions,
} from './creator-sessions.ts';
import { csrfTokenFor } from './csrf.ts';
import { type ConsumeResult, createMagicLinks, type MagicLinkStore } from './magic-links.ts';
import { sha256Hex } from './secrets.ts';

const code = (expected: string) => (error: unknown) => isAppError(error) && error.code === expected;

function memoryLinks() {
  const rows = new Map<string, { subject: string; expiresAt: Date; used: boolean }>();
  const store: MagicLinkStore<string> = {
    async create(link) {
      rows.set(link.tokenHash, { subject: link.subject, expiresAt: link.expiresAt, used: false });
    },
    async consume(tokenHash, now): Promise<ConsumeResult<string>> {
      const row = rows.get(tokenHash);
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.used || row.expiresAt <= now) return { ok: false, reason: 'spent' };
      row.used = true;
      return { ok: true, subject: row.subject };
    },
  };
  return { rows, store };
}

test('a magic link works once, within its lifetime; only its hash is stored', async () => {
  let now = 1_000_000;
  const { rows, store } = memoryLinks();
  const links = createMagicLinks({ store, ttlSeconds: 900, now: () => now });
  const { token, expiresAt } = await links.issue('user-1');
  assert.equal(expiresAt.getTime(), now + 900_000);
  assert.deepEqual([...rows.keys()], [sha256Hex(token)]);
  assert.equal(await links.consume(token), 'user-1');
  await assert.rejects(links.consume(token), code('link_expired'));

  const late = await links.issue('user-2');
  now += 900_000;
  await assert.rejects(links.consume(late.token), code('link_expired'));
  await assert.rejects(links.consume('A'.repeat(43)), code('link_invalid'));
  await assert.rejects(links.consume('not a token'), code('link_invalid'));
  const invite = await links.issue('user-3', 3 * 24 * 3600);
  assert.equal(invite.expiresAt.getTime(), now + 3 * 24 * 3600 * 1000);
});

function memorySessions() {
  const rows = new Map<
    string,
    CreatorSessionFound & { csrfHash: string; expiresAt: Date; lastSeenAt: Date; createdAt: Date }
  >();
  let renewals = 0;
  const store: CreatorSessionStore = {
    async create(session) {
      rows.set(session.idHash, {
        userId: session.userId,
        tenantId: session.tenantId,
        tenantStatus: 'active',
        tenantStripeAccountId: null,
        isMember: true,
        csrfHash: session.csrfHash,
        expiresAt: session.expiresAt,
        lastSeenAt: session.now,
        createdAt: session.now,
      });
    },
    find: async (idHash) => rows.get(idHash),
    async renew(idHash, expiresAt, lastSeenAt) {
      renewals += 1;
      Object.assign(rows.get(idHash) ?? {}, { expiresAt, lastSeenAt });
    },
    async delete(idHash) {
      rows.delete(idHash);
    },
    async switchTenant(idHash, tenantId) {
      Object.assign(rows.get(idHash) ?? {}, { tenantId });
    },
  };
  return { rows, store, renewals: () => renewals };
}

const HOUR = 3600;
const policy = { idleTtlSeconds: 24 * HOUR, renewAfterSeconds: HOUR, maxLifetimeSeconds: 72 * HOUR };

test('sessions slide while used, end when idle, and never outlive their maximum lifetime', async () => {
  let now = 0;
  const memory = memorySessions();
  const sessions = createCreatorSessions(memory.store, policy, () => now);
  const started = await sessions.start({ userId: 'u', tenantId: 't' });
  assert.equal(started.csrfToken, csrfTokenFor(started.secret));
  assert.equal(started.maxAgeSeconds, 24 * HOUR);
  assert.ok(memory.rows.has(sha256Hex(started.secret)), 'stored by hash');
  assert.ok(![...memory.rows.values()].some((row) => JSON.stringify(row).includes(started.secret)));

  now = 30 * 60 * 1000; // within renewAfter: no write
  assert.equal((await sessions.resolve(started.secret))?.renewed, false);
  assert.equal(memory.renewals(), 0);

  for (const hours of [20, 40, 60]) {
    now = hours * HOUR * 1000;
    const live = await sessions.resolve(started.secret);
    assert.equal(live?.renewed, true, `renewed at ${hours} h`);
    assert.equal(live?.expiresAt.getTime(), Math.min(now + 24 * HOUR * 1000, 72 * HOUR * 1000));
  }
  now = 72 * HOUR * 1000;
  assert.equal(await sessions.resolve(started.secret), undefined, 'maximum lifetime');

  const idle = await sessions.start({ userId: 'u', tenantId: 't' });
  now += 24 * HOUR * 1000;
  assert.equal(await sessions.resolve(idle.secret), undefined, 'idle expiry');
  assert.equal(await sessions.resolve(undefined), undefined);
  assert.equal(await sessions.resolve('x'), undefined);
});

test('creator sessions: cookie → principal; writes need this session CSRF token; sign-out ends it', async () => {
  const memory = memorySessions();
  const sessions = createCreatorSessions(memory.store, policy);
  const a = await sessions.start({ userId: 'u1', tenantId: 't1' });
  const b = await sessions.start({ userId: 'u2', tenantId: 't2' });
  const request = (method: string, secret: string | undefined, csrf?: string) => ({
    method,
    headers: {
      ...(secret ? { cookie: `other=1; gh_studio=${secret}` } : {}),
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
    },
  });

  assert.deepEqual(await sessions.authenticate(request('GET', a.secret)), {
    userId: 'u1',
    tenantId: 't1',
    tenantStripeAccountId: null,
  });
  assert.equal((await sessions.authenticate(request('POST', a.secret, a.csrfToken))).tenantId, 't1');
  await assert.rejects(sessions.authenticate(request('POST', a.secret)), code('csrf_invalid'));
  await assert.rejects(sessions.authenticate(request('DELETE', a.secret, b.csrfToken)), code('csrf_invalid'));
  await assert.rejects(sessions.authenticate(request('GET', undefined)), code('UNAUTHENTICATED'));
  assert.equal(sessions.hasCookie(request('GET', a.secret)), true);
  assert.equal(sessions.hasCookie(request('GET', undefined)), false);

  memory.rows.get(sha256Hex(b.secret))!.tenantStatus = 'suspended';
  await assert.rejects(sessions.authenticate(request('GET', b.secret)), code('FORBIDDEN'));
  memory.rows.get(sha256Hex(b.secret))!.isMember = false;
  await assert.rejects(sessions.authenticate(request('GET', b.secret)), code('UNAUTHENTICATED'));

  await sessions.end(a.secret);
  await assert.rejects(
    sessions.authenticate(request('POST', a.secret, a.csrfToken)),
    code('UNAUTHENTICATED'),
  );
});
