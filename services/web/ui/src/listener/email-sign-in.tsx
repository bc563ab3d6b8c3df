import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { listenerApi, problemText } from './listener-api.ts';

/** "E-mail me a sign-in link": the portal's magic link, requested through its JSON API. */
export function EmailSignIn({ tenantSlug }: { tenantSlug: string }) {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => listenerApi.requestSignInLink(tenantSlug, email) });
  if (request.isSuccess)
    return (
      <Alert color="teal.9" variant="outline" title="Check your e-mail" role="status">
        If {email} belongs to a subscription, a sign-in link is on its way. It works once.
      </Alert>
    );
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        request.mutate();
      }}
    >
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <TextInput
            type="email"
            label="Your e-mail address"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            style={{ flex: '1 1 220px' }}
          />
          <Button type="submit" loading={request.isPending}>
            E-mail me a sign-in link
          </Button>
        </Group>
        {request.isError ? (
          <Text c="red.9" role="alert">
            {problemText(request.error)}
          </Text>
        ) : null}
      </Stack>
    </form>
  );
}
