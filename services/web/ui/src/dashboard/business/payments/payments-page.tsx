import { Alert, Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { sessionQueryKey } from '../../../shared/session.ts';
import { errorMessage } from '../common/api-errors.ts';
import { PageFrame, QueryState } from '../common/page-frame.tsx';
import { type ConnectStatus, useConnectStatus, useOnboardingLink } from './payments.api.ts';

/**
 * Stripe sends the creator back with `?onboarding=return` (finished or left; only the
 * account.updated webhook says which) or `?onboarding=refresh` (the link expired or was used).
 * `?return=1` / `?refresh=1` are read the same way.
 */
function returnKind(params: URLSearchParams): 'return' | 'refresh' | null {
  const onboarding = params.get('onboarding');
  if (onboarding === 'return' || params.has('return')) return 'return';
  if (onboarding === 'refresh' || params.has('refresh')) return 'refresh';
  return null;
}

function YesNo({ value, yes, no }: { value: boolean; yes: string; no: string }) {
  return value ? <Badge color="teal.9">{yes}</Badge> : <Badge color="gray.8">{no}</Badge>;
}

function nextStep(status: ConnectStatus) {
  if (!status.accountId) return 'Connect with Stripe';
  if (!status.detailsSubmitted || !status.chargesEnabled) return 'Continue onboarding';
  return 'Update details in Stripe';
}

/** /app/settings/payments: Stripe Connect onboarding (Account Links) and its state. */
export function PaymentsPage() {
  const [params] = useSearchParams();
  const back = returnKind(params);
  const status = useConnectStatus({ poll: back === 'return' });
  const link = useOnboardingLink();
  const client = useQueryClient();
  const chargesEnabled = status.data?.chargesEnabled;
  // The layout shows the tenant's charges state from the session: refresh it once Stripe says yes.
  useEffect(() => {
    if (chargesEnabled) void client.invalidateQueries({ queryKey: sessionQueryKey });
  }, [chargesEnabled, client]);

  const goToStripe = async () => {
    const { url } = await link.mutateAsync();
    window.location.assign(url);
  };
  return (
    <PageFrame title="Payments">
      <Text>
        Listeners pay you through Stripe. Connect a Stripe account once; Stripe asks for your business and
        bank details and pays out to you.
      </Text>
      {back === 'return' && !chargesEnabled && (
        <Alert title="Back from Stripe" color="blue">
          Stripe is checking your details. This page updates by itself when Stripe confirms; if you left
          before finishing, continue below.
        </Alert>
      )}
      {back === 'refresh' && (
        <Alert title="That Stripe link expired" color="orange">
          Stripe onboarding links work once and for a few minutes. Continue to get a fresh one.
        </Alert>
      )}
      <QueryState isPending={status.isPending} error={status.error} label="the Stripe account" />
      {status.data && (
        <Card withBorder component="section" aria-labelledby="stripe-account">
          <Stack>
            <Title order={2} size="h3" id="stripe-account">
              Stripe account
            </Title>
            <List listStyleType="none" p={0} spacing="xs">
              <List.Item>
                Account: {status.data.accountId ? <code>{status.data.accountId}</code> : 'not connected'}
              </List.Item>
              <List.Item>
                Details: <YesNo value={status.data.detailsSubmitted} yes="submitted" no="not submitted" />
              </List.Item>
              <List.Item>
                Charges: <YesNo value={status.data.chargesEnabled} yes="enabled" no="not enabled yet" />
              </List.Item>
            </List>
            {status.data.chargesEnabled && <Text>Listeners can subscribe to your plans.</Text>}
            {link.error && (
              <Alert color="red" role="alert" title="Stripe could not be reached">
                {errorMessage(link.error)}
              </Alert>
            )}
            <Group>
              <Button onClick={goToStripe} loading={link.isPending || link.isSuccess}>
                {nextStep(status.data)}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
    </PageFrame>
  );
}
