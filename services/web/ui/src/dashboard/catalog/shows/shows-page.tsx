import { Anchor, Avatar, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePageTitle } from '../../../shared/page-title.ts';
import { QueryStatus } from '../../../shared/query-status.tsx';
import { artworkSrc, useShows } from './shows.api.ts';

/** /app/shows: the tenant's shows, and the way to a new one. */
export function ShowsPage() {
  usePageTitle('Shows');
  const shows = useShows();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Shows</Title>
        <Button component={Link} to="/app/shows/new">
          New show
        </Button>
      </Group>
      <QueryStatus query={shows} label="Loading shows">
        {(page) =>
          page.items.length === 0 ? (
            <Card withBorder p="xl">
              <Title order={2} size="h4">
                No shows yet
              </Title>
              <Text mt="xs">Create your first show, then add episodes to it.</Text>
            </Card>
          ) : (
            <SimpleGrid
              cols={{ base: 1, sm: 2, lg: 3 }}
              component="ul"
              style={{ listStyle: 'none', padding: 0 }}
            >
              {page.items.map((show) => (
                <Card withBorder key={show.id} component="li">
                  <Group wrap="nowrap" align="flex-start">
                    <Avatar src={artworkSrc(show)} alt="" radius="sm" size="lg">
                      {show.title.slice(0, 1).toUpperCase()}
                    </Avatar>
                    <div style={{ minWidth: 0 }}>
                      <Anchor component={Link} to={`/app/shows/${show.id}`} fw={600}>
                        {show.title}
                      </Anchor>
                      <Text size="sm" c="dark.5">
                        /{show.slug}
                      </Text>
                      {show.author && (
                        <Text size="sm" c="dark.5" truncate="end">
                          {show.author}
                        </Text>
                      )}
                    </div>
                  </Group>
                </Card>
              ))}
            </SimpleGrid>
          )
        }
      </QueryStatus>
    </Stack>
  );
}
