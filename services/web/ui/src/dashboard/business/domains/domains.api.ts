import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';

/** Media's custom domains (`/api/v1/domains`, services/media/src/routes/domains.routes.ts). */
export interface CustomDomain {
  id: string;
  hostname: string;
  status: 'pending' | 'active' | 'failed' | 'removing';
  verificationToken: string;
  verifiedAt: string | null;
  createdAt: string;
}

const domainsKey = ['media', 'domains'] as const;

export function useDomains() {
  return useQuery({
    queryKey: domainsKey,
    queryFn: async () => (await api<{ items: CustomDomain[] }>('/api/v1/domains')).items,
  });
}

function useDomainMutation<T>(mutationFn: (arg: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => client.invalidateQueries({ queryKey: domainsKey }) });
}

export function useAddDomain() {
  return useDomainMutation((hostname: string) =>
    api<CustomDomain>('/api/v1/domains', { method: 'POST', body: { hostname } }),
  );
}

/** Looks for the proof now; the domain becomes active only when it is found. */
export function useVerifyDomain() {
  return useDomainMutation((id: string) =>
    api<CustomDomain>(`/api/v1/domains/${encodeURIComponent(id)}/verify`, { method: 'POST', body: {} }),
  );
}

export function useRemoveDomain() {
  return useDomainMutation((id: string) =>
    api(`/api/v1/domains/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  );
}

/** The two ways to prove ownership (docs: PRODUCT-PLAN "Custom domains"). */
export function proofOf(domain: CustomDomain) {
  return {
    dnsName: `_gatehouse.${domain.hostname}`,
    dnsValue: domain.verificationToken,
    httpUrl: `http://${domain.hostname}/.well-known/gatehouse-domain/${domain.verificationToken}`,
  };
}
