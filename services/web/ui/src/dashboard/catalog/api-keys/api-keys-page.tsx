import {
  Alert,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../shared/api-client.ts';
import { errorMessage } from '../../../shared/api-errors.ts';
import { CopyField } from '../../../shared/copy-field.tsx';
import { usePageTitle } from '../../../shared/page-title.ts';
import { QueryStatus } from '../../../shared/query-status.tsx';

/** `GET|POST /web/v1/api-keys`, `DELETE /web/v1/api-keys/:id` (services/web api-keys.routes.ts). */
interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
type NewApiKey = ApiKey & { key: string };

const keysKey = ['api-keys'] as const;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const day = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : '—');

/** /app/api-keys: keys for scripts and the CLI; a new key is shown once, revoking asks first. */
export function ApiKeysPage() {
  usePageTitle('API keys');
  const keys = useQuery({ queryKey: keysKey, queryFn: () => api<{ items: ApiKey[] }>('/web/v1/api-keys') });
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  return (
    <Stack maw={960}>
      <Title order={1}>API keys</Title>
      <Text>
        Scripts and the command line use these keys (<code>Authorization: Bearer ghk_…</code>) for the same
        APIs this dashboard calls.
      </Text>
      <CreateKey />
      <Card withBorder component="section" aria-labelledby="keys-heading">
        <Title order={2} size="h3" id="keys-heading">
          Your keys
        </Title>
        <QueryStatus query={keys} label="Loading API keys">
          {({ items }) =>
            items.length === 0 ? (
              <Text mt="sm">No API keys yet.</Text>
            ) : (
              <Table.ScrollContainer minWidth={560} mt="sm">
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Key</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Last used</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((key) => (
                      <Table.Tr key={key.id}>
                        <Table.Td>{key.name}</Table.Td>
                        <Table.Td>
                          <code>ghk_{key.prefix}_…</code>
                        </Table.Td>
                        <Table.Td>{day(key.createdAt)}</Table.Td>
                        <Table.Td>{day(key.lastUsedAt)}</Table.Td>
                        <Table.Td>
                          {key.revokedAt ? (
                            <Text size="sm" c="dark.5">
                              revoked {day(key.revokedAt)}
                            </Text>
                          ) : (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setRevoking(key)}
                              aria-label={`Revoke ${key.name}`}
                            >
                              Revoke
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryStatus>
      </Card>
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}

function CreateKey() {
  const queryClient = useQueryClient();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (value) => (value.trim() ? null : 'Name the key after what uses it') },
  });
  const create = useMutation({
    mutationFn: (name: string) => api<NewApiKey>('/web/v1/api-keys', { method: 'POST', body: { name } }),
    onSuccess: () => {
      form.reset();
      queryClient.invalidateQueries({ queryKey: keysKey });
    },
  });
  return (
    <Card withBorder component="section" aria-labelledby="new-key-heading">
      <Title order={2} size="h3" id="new-key-heading">
        New key
      </Title>
      <form noValidate onSubmit={form.onSubmit((values) => create.mutate(values.name.trim()))}>
        <Group align="start" mt="sm">
          <TextInput
            label="Name"
            placeholder="e.g. publishing script"
            style={{ flex: 1, minWidth: 220 }}
            {...form.getInputProps('name')}
          />
          <Button type="submit" mt={25} loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </form>
      {create.isError && (
        <Alert color="red" role="alert" mt="sm">
          {errorMessage(create.error)}
        </Alert>
      )}
      {create.isSuccess && (
        <Alert color="indigo" mt="md" title={`Key "${create.data.name}" created`} role="status">
          <Stack gap="xs">
            <Text size="sm">Copy it now: it is shown this once and cannot be seen again.</Text>
            <CopyField label="New API key" value={create.data.key} />
          </Stack>
        </Alert>
      )}
    </Card>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>(`/web/v1/api-keys/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: keysKey });
      onClose();
    },
  });
  return (
    <Modal
      opened={!!apiKey}
      onClose={onClose}
      title="Revoke this API key?"
      centered
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <Stack>
        <Text>
          Anything using <strong>{apiKey?.name}</strong> stops working at once. This cannot be undone.
        </Text>
        {revoke.isError && (
          <Alert color="red" role="alert">
            {errorMessage(revoke.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red.9" loading={revoke.isPending} onClick={() => apiKey && revoke.mutate(apiKey.id)}>
            Revoke key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
