import { NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import type { UseFormReturnType } from '@mantine/form';
import type { EpisodeFormValues } from './episode-form-values.ts';

/** The episode's editable fields (the same on create and edit). */
export function EpisodeFields({ form }: { form: UseFormReturnType<EpisodeFormValues> }) {
  const values = form.getValues();
  return (
    <Stack>
      <TextInput label="Title" required {...form.getInputProps('title')} />
      <Textarea
        label="Description"
        autosize
        minRows={4}
        maxRows={14}
        {...form.getInputProps('description')}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberInput label="Season" min={0} allowDecimal={false} {...form.getInputProps('seasonNumber')} />
        <NumberInput
          label="Episode number"
          min={0}
          allowDecimal={false}
          {...form.getInputProps('episodeNumber')}
        />
        <Select
          label="Type"
          allowDeselect={false}
          data={[
            { value: 'full', label: 'Full episode' },
            { value: 'trailer', label: 'Trailer' },
            { value: 'bonus', label: 'Bonus' },
          ]}
          {...form.getInputProps('episodeType')}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Who can listen"
          allowDeselect={false}
          data={[
            { value: 'premium', label: 'Subscribers (premium)' },
            { value: 'public', label: 'Everyone (free)' },
          ]}
          {...form.getInputProps('visibility')}
        />
        <Select
          label="Explicit"
          allowDeselect={false}
          data={[
            { value: 'inherit', label: 'As the show' },
            { value: 'yes', label: 'Explicit' },
            { value: 'no', label: 'Clean' },
          ]}
          {...form.getInputProps('explicit')}
        />
      </SimpleGrid>
      {values.visibility === 'premium' && (
        <DateTimePicker
          label="Early access until"
          description="Subscribers only until then; free for everyone afterwards. Empty: always premium."
          clearable
          valueFormat="YYYY-MM-DD HH:mm"
          {...form.getInputProps('earlyAccessUntil')}
          value={values.earlyAccessUntil || null}
          onChange={(value) => form.setFieldValue('earlyAccessUntil', value ?? '')}
        />
      )}
    </Stack>
  );
}
