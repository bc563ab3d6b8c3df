import { Alert, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';
import { errorMessage } from '../../../shared/api-errors.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Asks for a magic link (`POST /web/v1/sign-in`, 202 for any address) and says to check the mail. */
export function SignInRequestForm({ submitLabel = 'Email me a sign-in link' }: { submitLabel?: string }) {
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '' },
    validate: { email: (value) => (EMAIL.test(value.trim()) ? null : 'Enter your e-mail address') },
  });
  const request = useMutation({
    mutationFn: (email: string) =>
      api<{ message: string }>('/web/v1/sign-in', { method: 'POST', body: { email } }),
  });

  if (request.isSuccess)
    return (
      <Alert color="indigo" title="Check your mail" role="status">
        <Text size="sm">{request.data.message}</Text>
        <Text size="sm" mt="xs">
          Sent to <strong>{request.variables}</strong>. Open the link on this device.
        </Text>
        <Button variant="subtle" size="compact-sm" mt="sm" onClick={() => request.reset()}>
          Use another address
        </Button>
      </Alert>
    );

  return (
    <form noValidate onSubmit={form.onSubmit((values) => request.mutate(values.email.trim()))}>
      <Stack>
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          {...form.getInputProps('email')}
        />
        {request.isError && (
          <Alert color="red" role="alert">
            {errorMessage(request.error)}
          </Alert>
        )}
        <Button type="submit" loading={request.isPending}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
