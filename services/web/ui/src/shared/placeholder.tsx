import { Container, Title } from '@mantine/core';

export function Placeholder({ title }: { title: string }) {
  return (
    <Container size="sm" py="xl" component="main">
      <Title order={1}>{title}</Title>
    </Container>
  );
}
