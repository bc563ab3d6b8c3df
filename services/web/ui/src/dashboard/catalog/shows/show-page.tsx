import { Anchor, Avatar, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { usePageTitle } from '../../../shared/page-title.ts';
import { QueryStatus } from '../../../shared/query-status.tsx';
import { EpisodeStateBadge } from '../episodes/episode-state-badge.tsx';
import { type Episode, useEpisodes } from '../episodes/episodes.api.ts';
import { ShowFeeds } from './show-feeds.tsx';
import { artworkSrc, type Show, useShow } from './shows.api.ts';

/** /app/shows/:showId: the show at a glance, its episodes with their state, its feeds. */
export function ShowPage() {
  const { showId = '' } = useParams();
  const show = useShow(showId);
  usePageTitle(show.data?.title ?? 'Show');
  return (
    <QueryStatus query={show} label="Loading the show">
      {(data) => <ShowOverview show={data} />}
    </QueryStatus>
  );
}

function ShowOverview({ show }: { show: Show }) {
  const episodes = useEpisodes(show.id);
  return (
    <Stack>
      <Anchor component={Link} to="/app/shows" size="sm">
        ← Shows
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Group wrap="nowrap">
          <Avatar src={artworkSrc(show)} alt="" size="xl" radius="md">
            {show.title.slice(0, 1).toUpperCase()}
          </Avatar>
          <div>
            <Title order={1}>{show.title}</Title>
            <Text c="dark.5">/{show.slug}</Text>
          </div>
        </Group>
        <Group>
          <Button variant="default" component={Link} to={`/app/shows/${show.id}/edit`}>
            Edit show
          </Button>
          <Button component={Link} to={`/app/shows/${show.id}/episodes/new`}>
            New episode
          </Button>
        </Group>
      </Group>
      <Card withBorder component="section" aria-labelledby="episodes-heading">
        <Title order={2} size="h3" id="episodes-heading">
          Episodes
        </Title>
        <QueryStatus query={episodes} label="Loading episodes">
          {(page) =>
            page.items.length === 0 ? (
              <Text mt="sm">No episodes yet. Create one, upload its audio, then publish it.</Text>
            ) : (
              <EpisodesTable episodes={page.items} />
            )
          }
        </QueryStatus>
      </Card>
      <ShowFeeds show={show} />
    </Stack>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function EpisodesTable({ episodes }: { episodes: Episode[] }) {
  return (
    <Table.ScrollContainer minWidth={520} mt="sm">
      <Table verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Date</Table.Th>
            <Table.Th>Audio</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {episodes.map((episode) => (
            <Table.Tr key={episode.id}>
              <Table.Td>
                <Anchor component={Link} to={`/app/episodes/${episode.id}`}>
                  {episode.title}
                </Anchor>
                {episode.visibility === 'premium' && (
                  <Text span size="xs" c="dark.5" ml="xs">
                    premium
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <EpisodeStateBadge episode={episode} />
              </Table.Td>
              <Table.Td>
                {episode.publishedAt ? dateFormat.format(new Date(episode.publishedAt)) : '—'}
              </Table.Td>
              <Table.Td>{episode.media ? 'ready' : 'none yet'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
