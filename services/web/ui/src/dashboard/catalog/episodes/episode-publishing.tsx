import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../shared/api-client.ts';
import { errorMessage } from '../../../shared/api-errors.ts';
import { fromPickerValue } from './episode-form-values.ts';
import { EpisodeStateBadge } from './episode-state-badge.tsx';
import { type Episode, episodeKey, episodeState, episodesKey } from './episodes.api.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** Publish now, publish at a time (scheduled), unpublish (back to draft, out of every feed). */
export function EpisodePublishing({ episode }: { episode: Episode }) {
  const queryClient = useQueryClient();
  const [at, setAt] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (action: { kind: 'publish'; publishedAt?: string } | { kind: 'unpublish' }) =>
      action.kind === 'publish'
        ? api<Episode>(`/api/v1/episodes/${episode.id}/publish`, {
            method: 'POST',
            body: action.publishedAt ? { publishedAt: action.publishedAt } : {},
          })
        : api<Episode>(`/api/v1/episodes/${episode.id}/unpublish`, { method: 'POST' }),
    onSuccess: (updated) => {
      queryClient.setQueryData(episodeKey(episode.id), updated);
      queryClient.invalidateQueries({ queryKey: episodesKey(episode.showId) });
      setAt(null);
    },
  });
  const state = episodeState(episode);
  const live = state === 'published' || state === 'scheduled';
  const schedule = () => {
    const publishedAt = at ? fromPickerValue(at) : null;
    if (!publishedAt || Date.parse(publishedAt) <= Date.now()) {
      setProblem('Choose a date and time in the future.');
      return;
    }
    setProblem(null);
    change.mutate({ kind: 'publish', publishedAt });
  };

  return (
    <Card withBorder component="section" aria-labelledby="publishing-heading">
      <Group justify="space-between">
        <Title order={2} size="h3" id="publishing-heading">
          Publishing
        </Title>
        <EpisodeStateBadge episode={episode} />
      </Group>
      <Stack mt="sm">
        {episode.publishedAt && state !== 'draft' && (
          <Text size="sm">
            {state === 'scheduled' ? 'Goes live' : state === 'unpublished' ? 'Was published' : 'Published'}{' '}
            {dateFormat.format(new Date(episode.publishedAt))}
          </Text>
        )}
        {!episode.media && (
          <Text size="sm" c="dark.5">
            Upload the audio first: an episode without ready audio cannot be published.
          </Text>
        )}
        <Group align="end">
          <Button
            onClick={() => change.mutate({ kind: 'publish' })}
            disabled={!episode.media || state === 'published' || state === 'removed'}
            loading={
              change.isPending && change.variables?.kind === 'publish' && !change.variables.publishedAt
            }
          >
            Publish now
          </Button>
          {live && (
            <Button
              variant="default"
              onClick={() => change.mutate({ kind: 'unpublish' })}
              loading={change.isPending && change.variables?.kind === 'unpublish'}
            >
              Unpublish
            </Button>
          )}
        </Group>
        <Group align="end">
          <DateTimePicker
            label="Publish at"
            valueFormat="YYYY-MM-DD HH:mm"
            value={at}
            onChange={setAt}
            clearable
            disabled={!episode.media || state === 'removed'}
            style={{ flex: 1, minWidth: 220 }}
          />
          <Button
            variant="default"
            onClick={schedule}
            disabled={!episode.media || !at}
            loading={
              change.isPending && change.variables?.kind === 'publish' && !!change.variables.publishedAt
            }
          >
            Schedule
          </Button>
        </Group>
        {(problem || change.isError) && (
          <Alert color="red" role="alert">
            {problem ?? errorMessage(change.error)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
