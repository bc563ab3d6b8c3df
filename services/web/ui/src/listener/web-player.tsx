import { Alert, Box, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type FeedEpisode, loadFeedEpisodes } from './feed-episodes.ts';
import { listenerApi, problemText } from './listener-api.ts';

/**
 * Listen in the browser: the episodes of one private feed; Play trades the feed token for a
 * short-lived `/d/…` link (POST /v1/download-links, seed 004) and hands it to an `<audio>` element.
 */
export function WebPlayer({
  feed,
  feedToken,
}: {
  feed: { showId: string; title: string; url: string };
  feedToken: string;
}) {
  const episodes = useQuery({
    queryKey: ['feed-episodes', feed.url],
    queryFn: () => loadFeedEpisodes(feed.url),
  });
  const [playing, setPlaying] = useState<{ episode: FeedEpisode; src: string }>();
  const play = useMutation({
    mutationFn: async (episode: FeedEpisode) => ({
      episode,
      src: (await listenerApi.downloadLink(feedToken, episode.episodeId)).url,
    }),
    onSuccess: setPlaying,
  });

  return (
    <Stack gap="sm" data-testid="web-player">
      <Title order={3}>{feed.title}</Title>
      {playing ? (
        <Box
          p="sm"
          bg="white"
          style={{
            borderRadius: 'var(--mantine-radius-md)',
            border: '1px solid var(--mantine-color-gray-3)',
          }}
        >
          <Text fw={600} mb={4}>
            Now playing: {playing.episode.title}
          </Text>
          {/* biome-ignore lint/a11y/useMediaCaption: podcast audio; transcripts are linked from the feed */}
          <audio
            controls
            autoPlay
            src={playing.src}
            style={{ width: '100%' }}
            aria-label={`Player: ${playing.episode.title}`}
          />
        </Box>
      ) : null}
      {play.isError ? (
        <Alert color="red.9" variant="outline" role="alert" title="Cannot play this episode">
          {problemText(play.error)}
        </Alert>
      ) : null}
      {episodes.isPending ? <Loader size="sm" aria-label="Loading episodes" /> : null}
      {episodes.isError ? (
        <Text role="alert">Could not load your episodes. Reload the page to try again.</Text>
      ) : null}
      {episodes.data?.length === 0 ? <Text>No episodes yet.</Text> : null}
      <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {episodes.data?.map((episode) => (
          <Box
            component="li"
            key={episode.episodeId}
            py="xs"
            style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
          >
            <Group justify="space-between" wrap="nowrap">
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text fw={600}>{episode.title}</Text>
                {episode.publishedAt ? (
                  <Text size="sm" c="gray.7">
                    {new Date(episode.publishedAt).toLocaleDateString()}
                  </Text>
                ) : null}
              </Stack>
              <Button
                variant="light"
                color="indigo"
                c="indigo.9"
                onClick={() => play.mutate(episode)}
                loading={play.isPending && play.variables?.episodeId === episode.episodeId}
                aria-label={`Play ${episode.title}`}
                data-testid="play-episode"
              >
                Play
              </Button>
            </Group>
          </Box>
        ))}
      </Stack>
    </Stack>
  );
}
