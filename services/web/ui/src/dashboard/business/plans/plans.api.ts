import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';

/** `/billing/v1/plans` (services/billing/src/routes/plans.routes.ts). Amounts in minor units. */
export interface Plan {
  id: string;
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  trialDays: number;
  allowPromotionCodes: boolean;
  active: boolean;
  archivedAt: string | null;
  showIds: string[];
  episodeIds: string[];
}

export type PlanInput = Pick<
  Plan,
  | 'name'
  | 'description'
  | 'amount'
  | 'currency'
  | 'interval'
  | 'trialDays'
  | 'allowPromotionCodes'
  | 'showIds'
>;

/** The creator's shows (media `GET /api/v1/shows`), for the plan's grants. */
export interface ShowSummary {
  id: string;
  title: string;
  slug: string;
}

const plansKey = ['billing', 'plans'] as const;

export function usePlans() {
  return useQuery({
    queryKey: plansKey,
    queryFn: async () => (await api<{ plans: Plan[] }>('/billing/v1/plans')).plans,
  });
}

export function usePlan(id: string | undefined) {
  return useQuery({
    queryKey: [...plansKey, id],
    queryFn: () => api<Plan>(`/billing/v1/plans/${encodeURIComponent(id!)}`),
    enabled: Boolean(id),
  });
}

export function useShows() {
  return useQuery({
    queryKey: ['media', 'shows'],
    queryFn: async () => (await api<{ items: ShowSummary[] }>('/api/v1/shows?limit=100')).items,
  });
}

export function useSavePlan(id: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: PlanInput) =>
      id
        ? api<Plan>(`/billing/v1/plans/${encodeURIComponent(id)}`, { method: 'PATCH', body: input })
        : api<Plan>('/billing/v1/plans', { method: 'POST', body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: plansKey }),
  });
}

export function useArchivePlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<Plan>(`/billing/v1/plans/${encodeURIComponent(id)}/archive`, { method: 'POST', body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: plansKey }),
  });
}
