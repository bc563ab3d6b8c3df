import { useQuery } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from './api-client.ts';

/** `GET /web/v1/session` (docs/ARCHITECTURE.md "Pages"; services/web). */
export interface Session {
  user: { id: string; email: string; name: string | null };
  tenant: {
    id: string;
    slug: string;
    name: string;
    chargesEnabled: boolean;
    stripeAccountId: string | null;
  };
  tenants: { id: string; slug: string; name: string; role: 'owner' | 'member' }[];
  csrfToken: string;
}

export const sessionQueryKey = ['session'] as const;

/** The signed-in creator, or null when signed out (401). Keeps the CSRF token for writes. */
export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api<Session>('/web/v1/session');
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(undefined);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}
