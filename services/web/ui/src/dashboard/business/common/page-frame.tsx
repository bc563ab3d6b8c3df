import { Alert, Center, Container, Group, Loader, Stack, Title } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';
import { usePageTitle } from '../../../shared/page-title.ts';
import { errorMessage } from './api-errors.ts';

/**
 * Mantine's default dimmed (gray.6) and error (red.6) text is below 4.5:1 on white; inside the
 * business pages both are darkened (the CSS variables cascade to every input description, table
 * caption and field error).
 */
const AA_COLORS = {
  '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
  '--mantine-color-error': 'var(--mantine-color-red-9)',
} as CSSProperties;

/** The frame of every business page: a heading, optional actions, and the page's content. */
export function PageFrame({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  usePageTitle(title);
  return (
    <Container size="lg" py="md" px={{ base: 'xs', sm: 'md' }} style={AA_COLORS}>
      <Stack gap="lg">
        <Group justify="space-between" wrap="wrap">
          <Title order={1}>{title}</Title>
          {actions}
        </Group>
        {children}
      </Stack>
    </Container>
  );
}

/** Loading and load-failure states of a query, so pages only render data they have. */
export function QueryState({
  isPending,
  error,
  label,
}: {
  isPending: boolean;
  error: unknown;
  label: string;
}) {
  if (error)
    return (
      <Alert color="red" title={`Could not load ${label}`} role="alert">
        {errorMessage(error)}
      </Alert>
    );
  if (isPending)
    return (
      <Center py="xl">
        <Loader aria-label={`Loading ${label}`} />
      </Center>
    );
  return null;
}
