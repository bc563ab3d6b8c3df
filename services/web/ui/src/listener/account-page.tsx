import { Alert, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { EmailSignIn } from './email-sign-in.tsx';
import { FeedPanel } from './feed-panel.tsx';
import { listenerApi, problemText } from './listener-api.ts';
import { ListenerShell } from './listener-shell.tsx';
import { WebPlayer } from './web-player.tsx';

/** `/listen/:tenantSlug/account`: the listener's feed, a web player, billing and sign-out. */
export function AccountPage() {
  const { tenantSlug = '' } = useParams();
  const queryClient = useQueryClient();
  const key = ['listener-account', tenantSlug];
  const account = useQuery({ queryKey: key, queryFn: () => listenerApi.account(tenantSlug) });
  const billing = useMutation({
    mutationFn: () => listenerApi.billingPortal(tenantSlug),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const reset = useMutation({
    mutationFn: () => listenerApi.resetFeed(tenantSlug),
    onSuccess: (next) => queryClient.setQueryData(key, next),
  });
  const signOut = useMutation({
    mutationFn: () => listenerApi.signOut(tenantSlug),
    onSuccess: () => queryClient.setQueryData(key, null),
  });

  if (account.isPending)
    return (
      <ListenerShell>
        <Group justify="center" py="xl">
          <Loader aria-label="Loading your account" />
        </Group>
      </ListenerShell>
    );
  if (account.isError || !account.data)
    return (
      <ListenerShell>
        <Stack gap="md">
          <Title order={1}>Sign in</Title>
          {account.isError ? <Text role="alert">{problemText(account.error)}</Text> : null}
          <Text>Enter the e-mail address of your subscription and we will send you a sign-in link.</Text>
          <EmailSignIn tenantSlug={tenantSlug} />
        </Stack>
      </ListenerShell>
    );

  const data = account.data;
  return (
    <ListenerShell creator={data.tenant.name}>
      <Stack gap="xl">
        <Stack gap={4}>
          <Title order={1}>Your subscription</Title>
          <Text c="gray.8">Signed in as {data.email}</Text>
        </Stack>
        {!data.granted ? (
          <Alert color="indigo.9" variant="outline" title="No active subscription" role="status">
            Your subscription does not include premium episodes right now.
            {data.canManageBilling ? ' Renew it under “Manage or cancel”.' : ''}
          </Alert>
        ) : null}

        {data.feedToken && data.feeds.length > 0 ? (
          <Stack gap="md" component="section" aria-labelledby="listen-heading">
            <Title order={2} id="listen-heading">
              Listen now
            </Title>
            {data.feeds.map((feed) => (
              <Card key={feed.showId} withBorder radius="lg" padding="lg">
                <WebPlayer feed={feed} feedToken={data.feedToken!} />
              </Card>
            ))}
          </Stack>
        ) : null}

        {data.feeds.length > 0 ? (
          <Stack gap="md" component="section" aria-label="Your private feeds">
            {data.feeds.map((feed) => (
              <FeedPanel key={feed.showId} feed={feed} />
            ))}
          </Stack>
        ) : null}

        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="billing-heading">
          <Stack gap="sm">
            <Title order={2} id="billing-heading">
              Billing
            </Title>
            <Text c="gray.8">Change your card, see invoices, or cancel on Stripe's secure page.</Text>
            <Group>
              <Button
                onClick={() => billing.mutate()}
                loading={billing.isPending}
                disabled={!data.canManageBilling}
              >
                Manage or cancel
              </Button>
              <Button
                variant="outline"
                onClick={() => reset.mutate()}
                loading={reset.isPending}
                disabled={!data.granted}
              >
                Reset my feed URL
              </Button>
              <Button variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending}>
                Sign out
              </Button>
            </Group>
            {reset.isSuccess ? (
              <Text role="status">
                Your feed URL was replaced. Add the new one to your apps; the old one stopped working.
              </Text>
            ) : null}
            {[billing, reset, signOut].map((mutation, index) =>
              mutation.isError ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of three
                <Text key={index} c="red.9" role="alert">
                  {problemText(mutation.error)}
                </Text>
              ) : null,
            )}
          </Stack>
        </Card>
      </Stack>
    </ListenerShell>
  );
}
