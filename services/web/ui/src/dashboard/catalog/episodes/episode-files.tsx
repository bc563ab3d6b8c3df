import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { chaptersRule, transcriptRule } from '../files/file-rules.ts';
import { PublicFileDrop } from '../files/public-file-drop.tsx';
import { type Episode, episodeKey } from './episodes.api.ts';

/** Transcript and chapters, uploaded as files (`<podcast:transcript>`, `<podcast:chapters>`). */
export function EpisodeFiles({ episode }: { episode: Episode }) {
  const queryClient = useQueryClient();
  const stored = (updated: Episode) => queryClient.setQueryData(episodeKey(episode.id), updated);
  return (
    <Card withBorder component="section" aria-labelledby="files-heading">
      <Title order={2} size="h3" id="files-heading">
        Transcript and chapters
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} mt="sm">
        <Stack gap="xs">
          <Current label="Transcript" file={episode.transcript} url={episode.transcriptUrl} />
          <PublicFileDrop<Episode>
            rule={transcriptRule}
            path={`/api/v1/episodes/${episode.id}/transcript`}
            onStored={stored}
          />
        </Stack>
        <Stack gap="xs">
          <Current label="Chapters" file={episode.chapters} url={episode.chaptersUrl} />
          <PublicFileDrop<Episode>
            rule={chaptersRule}
            path={`/api/v1/episodes/${episode.id}/chapters`}
            onStored={stored}
          />
        </Stack>
      </SimpleGrid>
    </Card>
  );
}

function Current({ label, file, url }: { label: string; file: Episode['transcript']; url: string | null }) {
  const href = file?.url ?? url;
  return (
    <Text size="sm">
      {label}:{' '}
      {href ? (
        <Anchor href={href} target="_blank" rel="noreferrer">
          {file ? decodeURIComponent(file.url.split('/').at(-1) ?? 'file') : 'external file'}
        </Anchor>
      ) : (
        'none'
      )}
    </Text>
  );
}
