import { Anchor, Container, Text, Title } from '@mantine/core';

export function NotFoundPage() {
  return (
    <Container size="sm" py="xl" component="main">
      <Title order={1}>Page not found</Title>
      <Text mt="md">
        This address does not lead anywhere. <Anchor href="/app/">Go to the dashboard</Anchor>.
      </Text>
    </Container>
  );
}
