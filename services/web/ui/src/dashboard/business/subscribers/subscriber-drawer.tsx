import { Alert, Badge, Drawer, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ConfirmButton } from '../common/confirm-button.tsx';
import { formatDate, formatDateTime } from '../common/formats.ts';
import { notifyDone } from '../common/notify.ts';
import { QueryState } from '../common/page-frame.tsx';
import { StatusBadge } from './status-badge.tsx';
import { type SubscriberDetail, useResetFeed, useSubscriber } from './subscribers.api.ts';

/** /app/subscribers/:id: the subscriber's details over the list; closing goes back to the list. */
export function SubscriberDrawer() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const subscriber = useSubscriber(id);
  const phone = useMediaQuery('(max-width: 48em)');
  const close = () => navigate(`/app/subscribers${params.size ? `?${params}` : ''}`);
  return (
    <Drawer
      opened
      onClose={close}
      position="right"
      size={phone ? '100%' : 'md'}
      title={subscriber.data?.email ?? 'Subscriber'}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <QueryState isPending={subscriber.isPending} error={subscriber.error} label="the subscriber" />
      {subscriber.data && <SubscriberDetails subscriber={subscriber.data} />}
    </Drawer>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w="40%">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function SubscriberDetails({ subscriber }: { subscriber: SubscriberDetail }) {
  const reset = useResetFeed();
  return (
    <Stack>
      {subscriber.suspended && (
        <Alert color="red" title="Suspended">
          Their feed and media links grant nothing until the suspension is lifted (Analytics → Sharing
          alerts).
        </Alert>
      )}
      <Table>
        <Table.Tbody>
          <Fact label="Name">{subscriber.name ?? '—'}</Fact>
          <Fact label="Status">
            <StatusBadge status={subscriber.status} />
          </Fact>
          <Fact label="Plan">{subscriber.plan?.name ?? '—'}</Fact>
          <Fact label="Since">{formatDate(subscriber.since)}</Fact>
          <Fact label="Feed URL last reset">{formatDateTime(subscriber.feedResetAt)}</Fact>
        </Table.Tbody>
      </Table>
      <Title order={2} size="h4">
        Subscriptions
      </Title>
      {subscriber.subscriptions.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <List spacing="xs" listStyleType="none" p={0}>
          {subscriber.subscriptions.map((subscription) => (
            <List.Item key={subscription.id}>
              <Group gap="xs">
                <Text fw={600}>{subscription.plan.name}</Text>
                <StatusBadge status={subscription.status} />
                {subscription.cancelAtPeriodEnd && <Badge color="grape.9">ends at period end</Badge>}
              </Group>
              <Text size="sm">
                Started {formatDate(subscription.createdAt)}
                {subscription.currentPeriodEnd
                  ? ` · current period ends ${formatDate(subscription.currentPeriodEnd)}`
                  : ''}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
      <Title order={2} size="h4">
        Private feed
      </Title>
      <Text size="sm">
        If this subscriber's feed link was shared, reset it: they get a new private link, and everyone using
        the old one loses access.
      </Text>
      <Group>
        <ConfirmButton
          label="Reset feed URL"
          title="Reset this subscriber's feed URL?"
          explanation="The old feed link and every download link made from it stop working at once, in every app that uses them. The subscriber keeps their subscription and finds the new private feed URL on their account page."
          onConfirm={async () => {
            await reset.mutateAsync(subscriber.id);
            notifyDone(`Feed URL of ${subscriber.email} reset`);
          }}
        />
      </Group>
    </Stack>
  );
}
