import {
  Checkbox,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ShowFormValues } from './show-form-values.ts';
import { ITUNES_CATEGORIES } from './show-rules.ts';

/** Every editable show field (create shows the essentials, edit shows all). */
export function ShowFields({ form, full }: { form: UseFormReturnType<ShowFormValues>; full: boolean }) {
  return (
    <Stack>
      <TextInput label="Title" required {...form.getInputProps('title')} />
      <TextInput
        label="Slug"
        required
        description="Part of the feed and show page addresses: a–z, 0–9, hyphens"
        autoCapitalize="none"
        spellCheck={false}
        {...form.getInputProps('slug')}
      />
      <Textarea
        label="Description"
        autosize
        minRows={3}
        maxRows={12}
        {...form.getInputProps('description')}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Author" {...form.getInputProps('author')} />
        <TextInput label="Language" description="e.g. en, de, pt-BR" {...form.getInputProps('language')} />
      </SimpleGrid>
      {full && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Owner name" description="itunes:owner" {...form.getInputProps('ownerName')} />
            <TextInput
              label="Owner e-mail"
              type="email"
              description="Podcast directories write here"
              {...form.getInputProps('ownerEmail')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Category"
              data={ITUNES_CATEGORIES}
              searchable
              clearable
              {...form.getInputProps('itunesCategory')}
              value={form.getValues().itunesCategory || null}
              onChange={(value) => form.setFieldValue('itunesCategory', value ?? '')}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="itunes-type-label">
                Show type
              </Text>
              <SegmentedControl
                aria-labelledby="itunes-type-label"
                data={[
                  { value: 'episodic', label: 'Episodic (newest first)' },
                  { value: 'serial', label: 'Serial (in order)' },
                ]}
                {...form.getInputProps('itunesType')}
              />
            </Stack>
          </SimpleGrid>
          <TextInput
            label="Website"
            type="url"
            placeholder="https://"
            {...form.getInputProps('websiteUrl')}
          />
          <TextInput
            label="Artwork URL"
            type="url"
            description="Only when the artwork lives elsewhere; an uploaded artwork wins"
            placeholder="https://"
            {...form.getInputProps('imageUrl')}
          />
          <TextInput label="Copyright" {...form.getInputProps('copyright')} />
          <Group>
            <Checkbox label="Explicit content" {...form.getInputProps('explicit', { type: 'checkbox' })} />
            <Checkbox
              label="List premium episodes in the public feed as teasers"
              {...form.getInputProps('listPremiumTeasers', { type: 'checkbox' })}
            />
          </Group>
        </>
      )}
    </Stack>
  );
}
