import { Container, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePageTitle } from '../../../shared/page-title.ts';
import { SkipLink } from '../../../shared/skip-link.tsx';

/** The sign-in pages' frame: outside the dashboard shell, one card in the middle. */
export function SignInFrame({ title, children }: { title: string; children: ReactNode }) {
  usePageTitle(title);
  return (
    <>
      <SkipLink />
      <Container size={460} py={48} component="main" id="main-content" tabIndex={-1}>
        <Stack gap="lg">
          <div>
            <Text fw={700} c="indigo.9" size="lg">
              Gatehouse
            </Text>
            <Title order={1} size="h2" mt="xs">
              {title}
            </Title>
          </div>
          <Paper withBorder p="lg" radius="md">
            {children}
          </Paper>
        </Stack>
      </Container>
    </>
  );
}
