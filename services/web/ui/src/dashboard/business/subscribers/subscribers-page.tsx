import { Alert, Anchor, Button, Card, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { Link, Outlet, useSearchParams } from 'react-router';
import { formatDate } from '../common/formats.ts';
import { PageFrame, QueryState } from '../common/page-frame.tsx';
import { ScrollTable } from '../common/scroll-table.tsx';
import { StatusBadge, statusLabel } from './status-badge.tsx';
import { SUBSCRIBER_STATUSES, type SubscriberSummary, useSubscriberPage } from './subscribers.api.ts';

/**
 * /app/subscribers (and /app/subscribers/:id, whose drawer is the Outlet, so the list and its
 * search stay as they were): search by e-mail (debounced), filter by status (kept in the address),
 * page with the API's cursor.
 */
export function SubscribersPage() {
  const [params, setParams] = useSearchParams();
  const [typed, setTyped] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(typed.trim(), 300);
  const status = params.get('status');
  // Cursors of the pages up to this one (to go back), started again whenever the filter changes.
  const filterKey = `${q}\n${status ?? ''}`;
  const [paging, setPaging] = useState({ filterKey, cursors: [null] as (string | null)[] });
  const cursors = paging.filterKey === filterKey ? paging.cursors : [null];
  const setCursors = (next: (string | null)[]) => setPaging({ filterKey, cursors: next });
  const cursor = cursors.at(-1) ?? null;
  const page = useSubscriberPage({ q, status, cursor });
  const phone = useMediaQuery('(max-width: 48em)');

  const setStatus = (value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set('status', value);
    else next.delete('status');
    setParams(next, { replace: true });
  };

  const items = page.data?.items ?? [];
  return (
    <PageFrame title="Subscribers">
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Search by e-mail"
          type="search"
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          w={{ base: '100%', xs: 320 }}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={SUBSCRIBER_STATUSES.map((value) => ({ value, label: statusLabel(value) }))}
          value={status}
          onChange={setStatus}
          w={{ base: '100%', xs: 200 }}
        />
      </Group>
      <QueryState isPending={page.isPending} error={page.error} label="subscribers" />
      {page.data && items.length === 0 && (
        <Alert title="No subscribers found">
          {q || status ? 'Nobody matches this search.' : 'Listeners appear here once they subscribe.'}
        </Alert>
      )}
      {items.length > 0 && (phone ? <SubscriberCards items={items} /> : <SubscriberTable items={items} />)}
      <Group justify="space-between" aria-label="Pages">
        <Button
          variant="default"
          disabled={cursors.length < 2}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Next page
        </Button>
      </Group>
      <Outlet />
    </PageFrame>
  );
}

function DetailLink({ subscriber }: { subscriber: SubscriberSummary }) {
  const [params] = useSearchParams();
  const search = params.toString();
  return (
    <Anchor component={Link} to={`/app/subscribers/${subscriber.id}${search ? `?${search}` : ''}`}>
      {subscriber.email}
    </Anchor>
  );
}

function SubscriberTable({ items }: { items: SubscriberSummary[] }) {
  return (
    <ScrollTable label="Subscribers" minWidth={600} striped highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>E-mail</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Plan</Table.Th>
          <Table.Th>Since</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((subscriber) => (
          <Table.Tr key={subscriber.id}>
            <Table.Td>
              <DetailLink subscriber={subscriber} />
            </Table.Td>
            <Table.Td>
              <StatusBadge status={subscriber.status} />
            </Table.Td>
            <Table.Td>{subscriber.plan?.name ?? '—'}</Table.Td>
            <Table.Td>{formatDate(subscriber.since)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ScrollTable>
  );
}

function SubscriberCards({ items }: { items: SubscriberSummary[] }) {
  return (
    <Stack gap="sm">
      {items.map((subscriber) => (
        <Card key={subscriber.id} withBorder padding="sm">
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text fw={600} truncate>
              <DetailLink subscriber={subscriber} />
            </Text>
            <StatusBadge status={subscriber.status} />
          </Group>
          <Text size="sm">
            {subscriber.plan?.name ?? 'No plan'} · since {formatDate(subscriber.since)}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
