import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from './api-client.ts';
import { type Session, sessionQueryKey } from './session.ts';

/** After sign-in or a tenant switch: the new session is the one every page reads. */
function useAdoptSession() {
  const queryClient = useQueryClient();
  return (session: Session) => {
    setCsrfToken(session.csrfToken);
    // Everything cached belongs to the previous tenant or session.
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
    queryClient.setQueryData(sessionQueryKey, session);
  };
}

/** `POST /web/v1/sign-in/confirm` with the token from the mailed link. */
export function useConfirmSignIn() {
  const adopt = useAdoptSession();
  return useMutation({
    mutationFn: (token: string) =>
      api<Session>('/web/v1/sign-in/confirm', { method: 'POST', body: { token } }),
    onSuccess: adopt,
  });
}

/** `POST /web/v1/session/tenant`: the dashboard then shows the other tenant. */
export function useSwitchTenant() {
  const adopt = useAdoptSession();
  return useMutation({
    mutationFn: (tenantId: string) =>
      api<Session>('/web/v1/session/tenant', { method: 'POST', body: { tenantId } }),
    onSuccess: adopt,
  });
}

/** `POST /web/v1/sign-out`; the layout then redirects to the sign-in page. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/web/v1/sign-out', { method: 'POST' }),
    onSettled: () => {
      setCsrfToken(undefined);
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
