import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { EpisodePolicy, PlanGrants, SubscriberAccess, TenantPolicy } from '@gatehouse/contracts';
import {
  type DecisionInput,
  decideMediaAccess,
  decidePublicAccess,
  decideWithoutPlans,
} from './media-access-decider.ts';

const now = 1_800_000_000_000;
const tenantId = randomUUID();
const otherTenant = randomUUID();
const subscriberId = randomUUID();
const showId = randomUUID();
const episodeId = randomUUID();
const planId = randomUUID();
const claims = { tenantId, subscriberId, generation: 3 };

const subscriber = (over: Partial<SubscriberAccess> = {}): SubscriberAccess => ({
  tenantId,
  subscriberId,
  generation: 3,
  plans: [{ planId, until: null }],
  lifecycle: 'active',
  version: 1,
  ...over,
});
const media = {
  storage: 's3' as const,
  objectKey: 'o/abc',
  contentType: 'audio/mpeg',
  byteSize: 10,
  fileName: 'ep.mp3',
};
const episode = (over: Partial<EpisodePolicy> = {}): EpisodePolicy => ({
  tenantId,
  showId,
  episodeId,
  status: 'published',
  visibility: 'premium',
  publicFrom: null,
  publishedAt: now - 1000,
  media,
  version: 1,
  ...over,
});
/** An episode record as written before `lifecycle` existed: the key is absent. */
const withoutLifecycle = (): EpisodePolicy => {
  const { lifecycle: _dropped, ...legacy } = episode();
  return legacy;
};
const plan = (over: Partial<PlanGrants> = {}): PlanGrants => ({
  tenantId,
  planId,
  showIds: [showId],
  episodeIds: [],
  version: 1,
  ...over,
});
const tenant = (over: Partial<TenantPolicy> = {}): TenantPolicy => ({
  tenantId,
  status: 'active',
  version: 1,
  ...over,
});

interface Row {
  name: string;
  input?: Partial<DecisionInput>;
  plans?: (PlanGrants | undefined)[];
  expect: { grant: true; via: string } | { grant: false; status: number; reason: string };
}

const rows: Row[] = [
  { name: 'premium, plan grants the show', expect: { grant: true, via: 'plan' } },
  {
    name: 'premium, plan grants only this episode',
    plans: [plan({ showIds: [], episodeIds: [episodeId] })],
    expect: { grant: true, via: 'plan' },
  },
  {
    name: 'premium, plan grants another show',
    plans: [plan({ showIds: [randomUUID()] })],
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'premium, plan record missing',
    plans: [undefined],
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'premium, plan record of another tenant',
    plans: [plan({ tenantId: otherTenant })],
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'premium, no plans at all',
    input: { subscriber: subscriber({ plans: [] }) },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'cancel at period end: until in the future grants',
    input: { subscriber: subscriber({ plans: [{ planId, until: now + 1 }] }) },
    expect: { grant: true, via: 'plan' },
  },
  {
    name: 'cancel at period end: until passed denies',
    input: { subscriber: subscriber({ plans: [{ planId, until: now }] }) },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'public episode: any valid subscriber of the tenant, even without plans',
    input: { subscriber: subscriber({ plans: [] }), episode: episode({ visibility: 'public' }) },
    expect: { grant: true, via: 'public' },
  },
  {
    name: 'early access: premium becomes public at publicFrom',
    input: { subscriber: subscriber({ plans: [] }), episode: episode({ publicFrom: now }) },
    expect: { grant: true, via: 'early_access' },
  },
  {
    name: 'early access: before publicFrom it is still premium',
    input: { subscriber: subscriber({ plans: [] }), episode: episode({ publicFrom: now + 1 }) },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  // Lifecycle episodes: granted to the subscribers in the matching state, plan or not.
  {
    name: 'lifecycle: cancelled subscriber, no plans, subscription_ended episode → grant',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended' }),
    },
    plans: [],
    expect: { grant: true, via: 'lifecycle' },
  },
  {
    name: 'lifecycle: payment failing, grace over, payment_failed episode → grant',
    input: {
      subscriber: subscriber({ plans: [{ planId, until: now - 1 }], lifecycle: 'payment_failed' }),
      episode: episode({ lifecycle: 'payment_failed' }),
    },
    expect: { grant: true, via: 'lifecycle' },
  },
  {
    name: 'lifecycle: active subscriber whose plan grants another show, welcome episode → grant',
    input: { episode: episode({ lifecycle: 'welcome' }) },
    plans: [plan({ showIds: [randomUUID()] })],
    expect: { grant: true, via: 'lifecycle' },
  },
  {
    name: 'lifecycle: cancelled subscriber, welcome episode → 403',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'welcome' }),
    },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'lifecycle: cancelled subscriber, payment_failed episode → 403',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'payment_failed' }),
    },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'lifecycle: active subscriber, subscription_ended episode, no granting plan → 403',
    input: { episode: episode({ lifecycle: 'subscription_ended' }) },
    plans: [plan({ showIds: [randomUUID()] })],
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'lifecycle: mismatched state falls back to the plan rules (plan grants the show)',
    input: { episode: episode({ lifecycle: 'subscription_ended' }) },
    expect: { grant: true, via: 'plan' },
  },
  {
    name: 'lifecycle: never-subscribed subscriber (none) gets no lifecycle episode',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'none' }),
      episode: episode({ lifecycle: 'welcome' }),
    },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'lifecycle: record without the field (written before it existed) is none → 403',
    input: { subscriber: subscriber({ plans: [], lifecycle: 'ended' }), episode: withoutLifecycle() },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: "lifecycle: ordinary episode ('none') is not granted by any subscriber state",
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'none' }),
    },
    expect: { grant: false, status: 403, reason: 'not_entitled' },
  },
  {
    name: 'lifecycle: matching state but a draft → 404',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended', status: 'draft' }),
    },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'lifecycle: matching state but scheduled in the future → 404',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended', publishedAt: now + 1 }),
    },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'lifecycle: matching state but no media yet → 404',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended', media: null }),
    },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'lifecycle: matching state but wrong file name → 404',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended' }),
      fileName: 'other.mp3',
    },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'lifecycle: matching state but rotated token → 410',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended', generation: 4 }),
      episode: episode({ lifecycle: 'subscription_ended' }),
    },
    expect: { grant: false, status: 410, reason: 'rotated' },
  },
  {
    name: 'lifecycle: matching state but token of another tenant → 403',
    input: {
      claims: { ...claims, tenantId: otherTenant },
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended' }),
    },
    expect: { grant: false, status: 403, reason: 'other_tenant' },
  },
  {
    name: 'lifecycle: matching state but tenant suspended → 403',
    input: {
      subscriber: subscriber({ plans: [], lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended' }),
      tenant: tenant({ status: 'suspended' }),
    },
    expect: { grant: false, status: 403, reason: 'tenant_suspended' },
  },
  {
    name: 'token of another tenant',
    input: { claims: { ...claims, tenantId: otherTenant } },
    expect: { grant: false, status: 403, reason: 'other_tenant' },
  },
  {
    name: 'subscriber record of another tenant',
    input: { subscriber: subscriber({ tenantId: otherTenant }), episode: episode({ visibility: 'public' }) },
    expect: { grant: false, status: 403, reason: 'other_tenant' },
  },
  {
    name: 'unknown subscriber',
    input: { subscriber: undefined },
    expect: { grant: false, status: 403, reason: 'unknown_subscriber' },
  },
  {
    name: 'rotated: token generation older',
    input: { subscriber: subscriber({ generation: 4 }) },
    expect: { grant: false, status: 410, reason: 'rotated' },
  },
  {
    name: 'rotated wins over a missing episode',
    input: { subscriber: subscriber({ generation: 4 }), episode: undefined },
    expect: { grant: false, status: 410, reason: 'rotated' },
  },
  {
    name: 'tenant suspended',
    input: { tenant: tenant({ status: 'suspended' }) },
    expect: { grant: false, status: 403, reason: 'tenant_suspended' },
  },
  { name: 'tenant record missing', input: { tenant: undefined }, expect: { grant: true, via: 'plan' } },
  {
    name: 'episode unknown',
    input: { episode: undefined },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'episode record for another id',
    input: { episodeId: randomUUID() },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'draft',
    input: { episode: episode({ status: 'draft' }) },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'removed',
    input: { episode: episode({ status: 'removed', visibility: 'public' }) },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'scheduled in the future',
    input: { episode: episode({ publishedAt: now + 1, visibility: 'public' }) },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'published with no schedule',
    input: { episode: episode({ publishedAt: null }) },
    expect: { grant: true, via: 'plan' },
  },
  {
    name: 'no media yet',
    input: { episode: episode({ media: null, visibility: 'public' }) },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'wrong file name',
    input: { fileName: 'other.mp3' },
    expect: { grant: false, status: 404, reason: 'episode_not_found' },
  },
  {
    name: 'file name not given (download links): episode file is used',
    input: { fileName: undefined },
    expect: { grant: true, via: 'plan' },
  },
];

describe('media access decider', () => {
  for (const row of rows) {
    test(row.name, () => {
      const input: DecisionInput = {
        claims,
        episodeId,
        fileName: 'ep.mp3',
        subscriber: subscriber(),
        episode: episode(),
        tenant: tenant(),
        now,
        ...row.input,
      };
      const decision = decideMediaAccess(input, row.plans ?? [plan()]);
      if (row.expect.grant) {
        assert.equal(decision.grant, true);
        assert.equal(decision.grant && decision.via, row.expect.via);
        assert.equal(decision.grant && decision.media, media);
      } else {
        assert.deepEqual(decision, row.expect);
      }
    });
  }

  test('plans are only needed for premium episodes with live plans', () => {
    const base = { claims, episodeId, fileName: 'ep.mp3', subscriber: subscriber(), tenant: tenant(), now };
    assert.deepEqual(decideWithoutPlans({ ...base, episode: episode() }), { needPlans: [planId] });
    assert.equal(
      'needPlans' in decideWithoutPlans({ ...base, episode: episode({ visibility: 'public' }) }),
      false,
    );
    const expired = subscriber({
      plans: [
        { planId, until: now - 1 },
        { planId: 'p2', until: null },
      ],
    });
    assert.deepEqual(decideWithoutPlans({ ...base, subscriber: expired, episode: episode() }), {
      needPlans: ['p2'],
    });
  });

  test('a matching lifecycle episode is decided without reading plans', () => {
    const base = { claims, episodeId, fileName: 'ep.mp3', tenant: tenant(), now };
    const decision = decideWithoutPlans({
      ...base,
      subscriber: subscriber({ lifecycle: 'ended' }),
      episode: episode({ lifecycle: 'subscription_ended' }),
    });
    assert.deepEqual(decision, { grant: true, media, via: 'lifecycle' });
  });
});

describe('public media decider (/pub/, no token)', () => {
  const tenant: TenantPolicy = { tenantId, status: 'active', version: 1 };
  const decide = (ep: EpisodePolicy | undefined, over: { fileName?: string; tenant?: TenantPolicy } = {}) =>
    decidePublicAccess({
      episodeId,
      fileName: over.fileName ?? 'ep.mp3',
      episode: ep,
      tenant: over.tenant ?? tenant,
      now,
    });

  test('public, or premium whose early access is over → grant', () => {
    assert.deepEqual(decide(episode({ visibility: 'public' })), { grant: true, media, via: 'public' });
    assert.deepEqual(decide(episode({ publicFrom: now - 1 })), { grant: true, media, via: 'early_access' });
  });

  test('a premium lifecycle episode has no audience without a token → 403', () => {
    for (const lifecycle of ['welcome', 'payment_failed', 'subscription_ended'] as const) {
      assert.deepEqual(decide(episode({ lifecycle })), { grant: false, status: 403, reason: 'not_entitled' });
    }
  });

  test('premium (also still in early access) → 403; suspended tenant → 403', () => {
    assert.deepEqual(decide(episode()), { grant: false, status: 403, reason: 'not_entitled' });
    assert.deepEqual(decide(episode({ publicFrom: now + 1 })), {
      grant: false,
      status: 403,
      reason: 'not_entitled',
    });
    const suspended: TenantPolicy = { ...tenant, status: 'suspended' };
    assert.deepEqual(decide(episode({ visibility: 'public' }), { tenant: suspended }), {
      grant: false,
      status: 403,
      reason: 'tenant_suspended',
    });
  });

  test('unknown, draft, removed, scheduled, no media, other file name → 404', () => {
    const notFound = { grant: false, status: 404, reason: 'episode_not_found' };
    assert.deepEqual(decide(undefined), notFound);
    for (const ep of [
      episode({ visibility: 'public', status: 'draft' }),
      episode({ visibility: 'public', status: 'removed' }),
      episode({ visibility: 'public', publishedAt: now + 1 }),
      episode({ visibility: 'public', media: null }),
      episode({ visibility: 'public', episodeId: randomUUID() }),
    ]) {
      assert.deepEqual(decide(ep), notFound);
    }
    assert.deepEqual(decide(episode({ visibility: 'public' }), { fileName: 'other.mp3' }), notFound);
  });
});
