import { Alert, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { ApiError } from '../shared/api-client.ts';
import { EmailSignIn } from './email-sign-in.tsx';
import { FeedPanel } from './feed-panel.tsx';
import { type ListenerAccount, listenerApi } from './listener-api.ts';
import { ListenerShell } from './listener-shell.tsx';

/**
 * `/listen/:tenantSlug/welcome?session_id=cs_…` — Stripe Checkout's success page. The completed
 * Checkout Session signs the listener in (feeds portal); while the subscription is still being
 * recorded (the webhook may land a moment after the redirect) the page keeps trying, then offers
 * the e-mail link. A listener already signed in sees their feed either way.
 */
export function WelcomePage() {
  const { tenantSlug = '' } = useParams();
  const [params] = useSearchParams();
  const sessionId = params.get('session_id');
  const query = useQuery({
    queryKey: ['listener-welcome', tenantSlug, sessionId],
    queryFn: async (): Promise<ListenerAccount | null> => {
      if (!sessionId) return listenerApi.account(tenantSlug);
      try {
        return await listenerApi.checkoutSignIn(tenantSlug, sessionId);
      } catch (error) {
        const signedIn = await listenerApi.account(tenantSlug).catch(() => null);
        if (signedIn) return signedIn;
        throw error;
      }
    },
    retry: (count, error) => error instanceof ApiError && error.status === 409 && count < 5,
    retryDelay: 2000,
    staleTime: Number.POSITIVE_INFINITY,
  });

  return (
    <ListenerShell creator={query.data?.tenant.name}>
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={1}>Welcome aboard</Title>
          <Text size="lg" c="gray.8">
            Thank you for subscribing. Your private feed is below: add it to your podcast app and new episodes
            arrive there.
          </Text>
        </Stack>
        {query.isPending ? (
          <Group gap="sm" role="status">
            <Loader size="sm" aria-hidden />
            <Text>Setting up your subscription…</Text>
          </Group>
        ) : query.isError || query.data === null ? (
          <Stack gap="md">
            <Alert
              color="indigo.9"
              variant="outline"
              title="Your subscription is still being set up"
              role="status"
            >
              Payment went through, but we could not sign you in from this page yet. Get a sign-in link by
              e-mail instead — it is the address you paid with.
            </Alert>
            <EmailSignIn tenantSlug={tenantSlug} />
          </Stack>
        ) : (
          <Stack gap="lg">
            {query.data.feeds.length === 0 ? (
              <Text>Your plan does not include a show yet. The creator will add one soon.</Text>
            ) : null}
            {query.data.feeds.map((feed) => (
              <FeedPanel key={feed.showId} feed={feed} />
            ))}
            <Text>
              Listen in the browser, manage or cancel your subscription on your{' '}
              <a href={`/listen/${encodeURIComponent(tenantSlug)}/account`}>account page</a>.
            </Text>
          </Stack>
        )}
      </Stack>
    </ListenerShell>
  );
}
