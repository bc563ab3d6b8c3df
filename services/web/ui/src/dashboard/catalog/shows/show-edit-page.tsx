import { Anchor, Card, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../../shared/api-client.ts';
import { fieldErrorOf } from '../../../shared/api-errors.ts';
import { FormActions } from '../../../shared/form-actions.tsx';
import { usePageTitle } from '../../../shared/page-title.ts';
import { QueryStatus } from '../../../shared/query-status.tsx';
import { useRecordForm } from '../../../shared/use-record-form.ts';
import { ShowArtwork } from './show-artwork.tsx';
import { ShowFeeds } from './show-feeds.tsx';
import { ShowFields } from './show-fields.tsx';
import {
  type ShowFormValues,
  SLUG_CONFLICT,
  showBody,
  showValidation,
  showValues,
} from './show-form-values.ts';
import { type Show, showKey, showsKey, useShow } from './shows.api.ts';

/** /app/shows/:showId/edit: every show field, the artwork, the feeds. */
export function ShowEditPage() {
  const { showId = '' } = useParams();
  const show = useShow(showId);
  usePageTitle(show.data ? `Edit ${show.data.title}` : 'Edit show');
  return (
    <QueryStatus query={show} label="Loading the show">
      {(data) => <ShowEditor show={data} key={data.id} />}
    </QueryStatus>
  );
}

function ShowEditor({ show }: { show: Show }) {
  const queryClient = useQueryClient();
  const { form, save } = useRecordForm({
    record: show,
    valuesOf: showValues,
    validate: showValidation,
    save: (values: ShowFormValues) =>
      api<Show>(`/api/v1/shows/${show.id}`, { method: 'PATCH', body: showBody(values, show) }),
    onSaved: (updated) => {
      queryClient.setQueryData(showKey(show.id), updated);
      queryClient.invalidateQueries({ queryKey: showsKey, exact: true });
    },
    onError: (error, form) => {
      const field = fieldErrorOf(error, SLUG_CONFLICT);
      if (field) form.setFieldError(field.field, field.message);
    },
    savedMessage: 'Show saved',
  });

  return (
    <Stack maw={820}>
      <Anchor component={Link} to={`/app/shows/${show.id}`} size="sm">
        ← {show.title}
      </Anchor>
      <Title order={1}>Edit show</Title>
      <Card withBorder component="section" aria-labelledby="details-heading">
        <Title order={2} size="h3" id="details-heading" mb="sm">
          Details
        </Title>
        <form noValidate onSubmit={form.onSubmit((values) => save.mutate(values))}>
          <Stack>
            <ShowFields form={form} full />
            <FormActions
              label="Save changes"
              loading={save.isPending}
              error={fieldErrorOf(save.error, SLUG_CONFLICT) ? null : save.error}
              disabled={!form.isDirty()}
            />
          </Stack>
        </form>
      </Card>
      <ShowArtwork show={show} />
      <ShowFeeds show={show} />
    </Stack>
  );
}
