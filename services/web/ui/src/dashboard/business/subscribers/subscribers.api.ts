import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';

/** `/billing/v1/subscribers` (services/billing/src/routes/subscribers.routes.ts). */
export const SUBSCRIBER_STATUSES = [
  'active',
  'trialing',
  'past_due',
  'paused',
  'unpaid',
  'incomplete',
  'incomplete_expired',
  'canceled',
  'none',
] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export interface SubscriberSummary {
  id: string;
  email: string;
  status: SubscriberStatus;
  plan: { id: string; name: string } | null;
  since: string;
  feedResetAt: string | null;
}

export interface SubscriberDetail extends SubscriberSummary {
  name: string | null;
  suspended: boolean;
  subscriptions: {
    id: string;
    status: SubscriberStatus;
    plan: { id: string; name: string };
    currentPeriodEnd: string | null;
    cancelAtPeriodEnd: boolean;
    createdAt: string;
  }[];
}

const subscribersKey = ['billing', 'subscribers'] as const;
export const PAGE_SIZE = 25;

export function useSubscriberPage(filter: { q: string; status: string | null; cursor: string | null }) {
  return useQuery({
    queryKey: [...subscribersKey, 'list', filter],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (filter.q) params.set('q', filter.q);
      if (filter.status) params.set('status', filter.status);
      if (filter.cursor) params.set('cursor', filter.cursor);
      return api<{ items: SubscriberSummary[]; nextCursor: string | null }>(
        `/billing/v1/subscribers?${params}`,
        {
          signal,
        },
      );
    },
    placeholderData: keepPreviousData,
  });
}

export function useSubscriber(id: string | undefined) {
  return useQuery({
    queryKey: [...subscribersKey, 'one', id],
    queryFn: () => api<SubscriberDetail>(`/billing/v1/subscribers/${encodeURIComponent(id!)}`),
    enabled: Boolean(id),
  });
}

export function useResetFeed() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ subscriberId: string; feedResetAt: string }>(
        `/billing/v1/subscribers/${encodeURIComponent(id)}/reset-feed`,
        { method: 'POST', body: {} },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: subscribersKey }),
  });
}
