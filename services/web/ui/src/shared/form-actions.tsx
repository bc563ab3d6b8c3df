import { Alert, Button, Group } from '@mantine/core';
import { errorMessage } from './api-errors.ts';

/** The end of every form: the request's error (if any, and not already on a field) and the submit button. */
export function FormActions({
  label,
  loading,
  error,
  disabled,
}: {
  label: string;
  loading: boolean;
  error?: unknown;
  disabled?: boolean;
}) {
  return (
    <>
      {error ? (
        <Alert color="red" role="alert">
          {errorMessage(error)}
        </Alert>
      ) : null}
      <Group justify="flex-end">
        <Button type="submit" loading={loading} disabled={disabled}>
          {label}
        </Button>
      </Group>
    </>
  );
}
