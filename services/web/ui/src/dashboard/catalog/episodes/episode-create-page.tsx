import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../../shared/api-client.ts';
import { FormActions } from '../../../shared/form-actions.tsx';
import { usePageTitle } from '../../../shared/page-title.ts';
import { EpisodeFields } from './episode-fields.tsx';
import {
  type EpisodeFormValues,
  emptyEpisodeValues,
  episodeBody,
  episodeValidation,
} from './episode-form-values.ts';
import { type Episode, episodesKey } from './episodes.api.ts';

/** /app/shows/:showId/episodes/new: the episode as a draft; then its page (upload, publish). */
export function EpisodeCreatePage() {
  usePageTitle('New episode');
  const { showId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<EpisodeFormValues>({
    mode: 'controlled',
    initialValues: emptyEpisodeValues,
    validate: episodeValidation,
    validateInputOnBlur: true,
  });
  const create = useMutation({
    mutationFn: (values: EpisodeFormValues) =>
      api<Episode>(`/api/v1/shows/${showId}/episodes`, { method: 'POST', body: episodeBody(values) }),
    onSuccess: (episode) => {
      queryClient.invalidateQueries({ queryKey: episodesKey(showId) });
      navigate(`/app/episodes/${episode.id}`);
    },
  });
  return (
    <Stack maw={820}>
      <Anchor component={Link} to={`/app/shows/${showId}`} size="sm">
        ← Show
      </Anchor>
      <Title order={1}>New episode</Title>
      <Paper withBorder p="lg">
        <form noValidate onSubmit={form.onSubmit((values) => create.mutate(values))}>
          <Stack>
            <EpisodeFields form={form} />
            <FormActions label="Create episode" loading={create.isPending} error={create.error} />
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
