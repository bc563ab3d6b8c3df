import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';

/** Stripe Connect state of the tenant (`GET /billing/v1/connect`, services/billing/src/routes/connect.routes.ts). */
export interface ConnectStatus {
  accountId: string | null;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
}

export function useConnectStatus(options: { poll: boolean }) {
  return useQuery({
    queryKey: ['billing', 'connect'],
    queryFn: () => api<ConnectStatus>('/billing/v1/connect'),
    // Back from Stripe, the account.updated webhook may land a few seconds after the creator.
    refetchInterval: (query) => (options.poll && !query.state.data?.chargesEnabled ? 3000 : false),
  });
}

/** A one-time Stripe Account Link (the account is created on the first call). */
export function useOnboardingLink() {
  return useMutation({
    mutationFn: () =>
      api<{ url: string; expiresAt: string }>('/billing/v1/connect/onboarding-link', {
        method: 'POST',
        body: {},
      }),
  });
}
