import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api } from '../../../shared/api-client.ts';
import { fieldErrorOf } from '../../../shared/api-errors.ts';
import { FormActions } from '../../../shared/form-actions.tsx';
import { usePageTitle } from '../../../shared/page-title.ts';
import { ShowFields } from './show-fields.tsx';
import { emptyShowValues, type ShowFormValues, SLUG_CONFLICT, showValidation } from './show-form-values.ts';
import { slugFromTitle } from './show-rules.ts';
import { type Show, showsKey } from './shows.api.ts';

/** /app/shows/new: title and slug (proposed from the title until edited), then the show's page. */
export function ShowCreatePage() {
  usePageTitle('New show');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<ShowFormValues>({
    mode: 'controlled',
    initialValues: emptyShowValues,
    validate: showValidation,
    validateInputOnBlur: true,
    onValuesChange: (values, previous) => {
      if (values.title !== previous.title && !form.isTouched('slug'))
        form.setFieldValue('slug', slugFromTitle(values.title));
    },
  });
  const create = useMutation({
    mutationFn: (values: ShowFormValues) =>
      api<Show>('/api/v1/shows', {
        method: 'POST',
        body: {
          title: values.title.trim(),
          slug: values.slug,
          description: values.description,
          author: values.author.trim(),
          language: values.language.trim(),
        },
      }),
    onSuccess: (show) => {
      queryClient.invalidateQueries({ queryKey: showsKey });
      navigate(`/app/shows/${show.id}`);
    },
    onError: (error) => {
      // 409: the slug is taken (the API says so); it belongs next to the slug.
      const field = fieldErrorOf(error, SLUG_CONFLICT);
      if (field) form.setFieldError(field.field, field.message);
    },
  });

  return (
    <Stack maw={720}>
      <Anchor component={Link} to="/app/shows" size="sm">
        ← Shows
      </Anchor>
      <Title order={1}>New show</Title>
      <Paper withBorder p="lg">
        <form noValidate onSubmit={form.onSubmit((values) => create.mutate(values))}>
          <Stack>
            <ShowFields form={form} full={false} />
            <FormActions
              label="Create show"
              loading={create.isPending}
              error={fieldErrorOf(create.error, SLUG_CONFLICT) ? null : create.error}
            />
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
