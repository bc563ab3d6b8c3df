import { Alert, Center, Loader } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from './api-errors.ts';

/** Loading and error states of a query, the same on every page; renders `children(data)` once loaded. */
export function QueryStatus<T>({
  query,
  label,
  children,
}: {
  query: UseQueryResult<T>;
  /** What is loading, for screen readers ("Loading shows"). */
  label: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending)
    return (
      <Center py="xl">
        <Loader aria-label={label} />
      </Center>
    );
  if (query.isError)
    return (
      <Alert color="red" title="Could not load this" role="alert">
        {errorMessage(query.error)}
      </Alert>
    );
  return <>{children(query.data)}</>;
}
