import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { errorMessage } from '../common/api-errors.ts';
import { PageFrame, QueryState } from '../common/page-frame.tsx';
import { DomainCard } from './domain-card.tsx';
import { useAddDomain, useDomains } from './domains.api.ts';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** /app/domains: serve feeds and pages from the creator's own hostname. */
export function DomainsPage() {
  const domains = useDomains();
  const add = useAddDomain();
  const form = useForm({
    initialValues: { hostname: '' },
    validate: {
      hostname: (value) =>
        HOSTNAME.test(value.trim())
          ? null
          : 'Enter a hostname such as podcast.example.com (no https://, no path)',
    },
  });
  const submit = form.onSubmit(async ({ hostname }) => {
    try {
      await add.mutateAsync(hostname.trim().toLowerCase());
      form.reset();
    } catch (error) {
      form.setFieldError('hostname', errorMessage(error));
    }
  });
  return (
    <PageFrame title="Custom domains">
      <Text>
        Serve your feeds, episodes and listener pages from your own address once you prove you own it.
      </Text>
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label="Hostname"
            placeholder="podcast.example.com"
            w={{ base: '100%', xs: 360 }}
            {...form.getInputProps('hostname')}
          />
          <Button type="submit" mt={{ base: 0, xs: 25 }} loading={add.isPending}>
            Add domain
          </Button>
        </Group>
      </form>
      <QueryState isPending={domains.isPending} error={domains.error} label="domains" />
      {domains.data?.length === 0 && (
        <Alert title="No custom domains">Your feeds use the platform's address.</Alert>
      )}
      <Stack>
        {domains.data?.map((domain) => (
          <DomainCard key={domain.id} domain={domain} />
        ))}
      </Stack>
    </PageFrame>
  );
}
