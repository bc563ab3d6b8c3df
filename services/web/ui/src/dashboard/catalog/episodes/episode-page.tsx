import { Anchor, Card, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../../shared/api-client.ts';
import { FormActions } from '../../../shared/form-actions.tsx';
import { usePageTitle } from '../../../shared/page-title.ts';
import { QueryStatus } from '../../../shared/query-status.tsx';
import { useRecordForm } from '../../../shared/use-record-form.ts';
import { MediaUpload } from '../upload/media-upload.tsx';
import { EpisodeFields } from './episode-fields.tsx';
import { EpisodeFiles } from './episode-files.tsx';
import {
  type EpisodeFormValues,
  episodeBody,
  episodeValidation,
  episodeValues,
} from './episode-form-values.ts';
import { EpisodePublishing } from './episode-publishing.tsx';
import { type Episode, episodeKey, episodesKey, useEpisode } from './episodes.api.ts';

/** /app/episodes/:episodeId: audio upload, publishing, details, transcript and chapters. */
export function EpisodePage() {
  const { episodeId = '' } = useParams();
  const episode = useEpisode(episodeId);
  usePageTitle(episode.data?.title ?? 'Episode');
  return (
    <QueryStatus query={episode} label="Loading the episode">
      {(data) => (
        <Stack maw={900}>
          <Anchor component={Link} to={`/app/shows/${data.showId}`} size="sm">
            ← Show
          </Anchor>
          <Title order={1}>{data.title}</Title>
          <MediaUpload episode={data} />
          <EpisodePublishing episode={data} />
          <EpisodeDetails episode={data} key={data.id} />
          <EpisodeFiles episode={data} />
        </Stack>
      )}
    </QueryStatus>
  );
}

function EpisodeDetails({ episode }: { episode: Episode }) {
  const queryClient = useQueryClient();
  const { form, save } = useRecordForm({
    record: episode,
    valuesOf: episodeValues,
    validate: episodeValidation,
    save: (values: EpisodeFormValues) =>
      api<Episode>(`/api/v1/episodes/${episode.id}`, { method: 'PATCH', body: episodeBody(values) }),
    onSaved: (updated) => {
      queryClient.setQueryData(episodeKey(episode.id), updated);
      queryClient.invalidateQueries({ queryKey: episodesKey(episode.showId) });
    },
    savedMessage: 'Episode saved',
  });
  return (
    <Card withBorder component="section" aria-labelledby="details-heading">
      <Title order={2} size="h3" id="details-heading" mb="sm">
        Details
      </Title>
      <form noValidate onSubmit={form.onSubmit((values) => save.mutate(values))}>
        <Stack>
          <EpisodeFields form={form} />
          <FormActions
            label="Save changes"
            loading={save.isPending}
            error={save.error}
            disabled={!form.isDirty()}
          />
        </Stack>
      </form>
    </Card>
  );
}
