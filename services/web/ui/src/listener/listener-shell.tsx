import { Anchor, Box, Container, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** Frame of every listener page: the creator's name on top, the page in `main`, a quiet footer. */
export function ListenerShell({
  creator,
  homeHref,
  children,
}: {
  creator?: string | undefined;
  homeHref?: string | undefined;
  children: ReactNode;
}) {
  return (
    <Box bg="gray.0" mih="100vh">
      <Box
        component="header"
        bg="white"
        py="sm"
        style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
      >
        <Container size="md">
          <Group justify="space-between">
            {homeHref ? (
              <Anchor href={homeHref} fw={700} c="dark.8" underline="never">
                {creator ?? 'Gatehouse'}
              </Anchor>
            ) : (
              <Text fw={700} c="dark.8">
                {creator ?? 'Gatehouse'}
              </Text>
            )}
          </Group>
        </Container>
      </Box>
      <Container size="md" py={{ base: 'md', sm: 'xl' }} component="main">
        {children}
      </Container>
      <Box component="footer" py="lg">
        <Container size="md">
          <Text size="sm" c="gray.7" ta="center">
            Payments by Stripe. Private feeds delivered by Gatehouse.
          </Text>
        </Container>
      </Box>
    </Box>
  );
}
