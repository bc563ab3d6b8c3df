import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link } from 'react-router';
import { errorMessage } from '../common/api-errors.ts';
import { ConfirmButton } from '../common/confirm-button.tsx';
import { formatDateTime } from '../common/formats.ts';
import { notifyDone } from '../common/notify.ts';
import { ScrollTable } from '../common/scroll-table.tsx';
import { type AlertStatus, type SharingAlert, useAlertAction, useUnsuspend } from './analytics.api.ts';

const STATUS_COLOR: Record<AlertStatus, string> = {
  open: 'red.9',
  dismissed: 'gray.8',
  resolved: 'teal.9',
  superseded: 'gray.8',
};

const REASON_TEXT = {
  networks_and_apps: 'Used from many networks with many apps',
  episode_downloads: 'One episode downloaded by many devices',
} as const;

function SeenTable({
  caption,
  rows,
}: {
  caption: string;
  rows: { name: string; firstSeen: string; lastSeen: string; requests: number }[];
}) {
  return (
    <ScrollTable label={caption} minWidth={420} striped fz="sm">
      <Table.Caption>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{caption.split(' ')[0]}</Table.Th>
          <Table.Th>First seen</Table.Th>
          <Table.Th>Last seen</Table.Th>
          <Table.Th ta="right">Requests</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.name}>
            <Table.Td>{row.name}</Table.Td>
            <Table.Td>{formatDateTime(row.firstSeen)}</Table.Td>
            <Table.Td>{formatDateTime(row.lastSeen)}</Table.Td>
            <Table.Td ta="right">{row.requests}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ScrollTable>
  );
}

/** One sharing alert: why it was raised (networks, apps, episodes, when) and what can be done. */
export function AlertCard({ alert }: { alert: SharingAlert }) {
  const action = useAlertAction();
  const unsuspend = useUnsuspend();
  const run = (kind: 'dismiss' | 'reset' | 'suspend', done: string) => async () => {
    await action.mutateAsync({ alertId: alert.id, action: kind });
    notifyDone(done);
  };
  const suspended = alert.actions.some((a) => a.kind === 'suspend' && a.state === 'done');
  const headingId = `alert-${alert.id}`;
  return (
    <Card withBorder component="article" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4" id={headingId}>
            Possible sharing by subscriber{' '}
            <Anchor component={Link} to={`/app/subscribers/${alert.subscriberId}`}>
              {alert.subscriberId.slice(0, 8)}
            </Anchor>
          </Title>
          <Badge color={STATUS_COLOR[alert.status]}>{alert.status}</Badge>
        </Group>
        <List size="sm">
          {alert.reasons.map((reason) => (
            <List.Item key={reason}>{REASON_TEXT[reason]}</List.Item>
          ))}
        </List>
        <Text size="sm">
          {alert.counts.networks} networks and {alert.counts.apps} apps within {alert.settings.windowHours} h
          (alert at {alert.settings.minNetworks} networks and {alert.settings.minApps} apps); most downloads
          of one episode: {alert.counts.episodeDownloads} (alert at {alert.settings.maxEpisodeDownloads}).
          Seen from {formatDateTime(alert.firstSeen)} to {formatDateTime(alert.lastSeen)}.
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <SeenTable
            caption="Networks (/24 or /64)"
            rows={alert.networks.map((n) => ({ ...n, name: n.network }))}
          />
          <SeenTable caption="Apps" rows={alert.apps.map((a) => ({ ...a, name: a.app }))} />
        </SimpleGrid>
        {alert.actions.length > 0 && (
          <List size="sm" aria-label="Actions taken">
            {alert.actions.map((a) => (
              <List.Item key={a.kind}>
                {a.kind === 'reset' ? 'Feed URL reset' : 'Suspended'} (
                {a.requestedBy === 'policy' ? 'by your policy' : 'by you'}, {formatDateTime(a.createdAt)}):{' '}
                {a.state}
                {a.lastError ? ` — ${a.lastError}` : ''}
              </List.Item>
            ))}
          </List>
        )}
        {action.error && (
          <Text c="red.9" role="alert">
            {errorMessage(action.error)}
          </Text>
        )}
        <Group>
          {alert.status === 'open' && (
            <>
              <Button
                variant="default"
                loading={action.isPending}
                onClick={run('dismiss', 'Alert dismissed')}
              >
                Dismiss
              </Button>
              <ConfirmButton
                label="Reset feed URL"
                title="Reset this subscriber's feed URL?"
                explanation="The old feed link and every download link made from it stop working at once. The subscriber is e-mailed their new private link; whoever they shared it with loses access."
                onConfirm={run('reset', 'Feed URL reset; the subscriber gets the new link by e-mail')}
              />
              <ConfirmButton
                label="Suspend subscriber"
                title="Suspend this subscriber?"
                explanation="Their feed and download links grant nothing until you lift the suspension. Their subscription and billing are not changed."
                onConfirm={run('suspend', 'Subscriber suspended')}
              />
            </>
          )}
          {suspended && (
            <ConfirmButton
              label="Lift suspension"
              danger={false}
              title="Lift the suspension?"
              explanation="Their existing feed and download links work again."
              onConfirm={async () => {
                await unsuspend.mutateAsync(alert.subscriberId);
                notifyDone('Suspension lifted');
              }}
            />
          )}
        </Group>
      </Stack>
    </Card>
  );
}
