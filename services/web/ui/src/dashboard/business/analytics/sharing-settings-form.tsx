import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { errorField, errorMessage, fieldMessage } from '../common/api-errors.ts';
import { notifyDone } from '../common/notify.ts';
import { QueryState } from '../common/page-frame.tsx';
import { type SharingSettings, useSaveSharingSettings, useSharingSettings } from './analytics.api.ts';

type Threshold = Exclude<keyof SharingSettings, 'policy'>;

/** Bounds the API enforces (services/analytics/src/domain/sharing/sharing-settings.ts). */
const FIELDS: { key: Threshold; label: string; description: string; min: number; max: number }[] = [
  {
    key: 'windowHours',
    label: 'Window (hours)',
    description: 'How far back the counts look',
    min: 1,
    max: 168,
  },
  {
    key: 'minNetworks',
    label: 'Networks',
    description: 'Distinct networks that, with the apps below, raise an alert',
    min: 2,
    max: 1000,
  },
  {
    key: 'minApps',
    label: 'Apps',
    description: 'Distinct podcast apps that, with the networks above, raise an alert',
    min: 1,
    max: 100,
  },
  {
    key: 'maxEpisodeDownloads',
    label: 'Downloads of one episode',
    description: 'Devices downloading one episode that raise an alert',
    min: 2,
    max: 10000,
  },
  {
    key: 'growthPercent',
    label: 'Growth (%)',
    description: 'Growth of an open alert that raises a new one',
    min: 10,
    max: 1000,
  },
];

const POLICIES = [
  { value: 'alert', label: 'Alert me only' },
  {
    value: 'alert+reset',
    label: "Alert me and reset the subscriber's feed URL (they are e-mailed the new link)",
  },
  { value: 'suspend', label: 'Alert me and suspend the subscriber' },
];

export function SharingSettingsCard() {
  const settings = useSharingSettings();
  return (
    <Card withBorder component="section" aria-labelledby="sharing-settings">
      <Title order={2} size="h3" id="sharing-settings" mb="xs">
        When to raise an alert
      </Title>
      <Text size="sm" mb="md">
        The defaults never fire for one listener with a phone, a watch and a laptop at home and at work.
      </Text>
      <QueryState isPending={settings.isPending} error={settings.error} label="the sharing settings" />
      {settings.data && <SettingsForm initial={settings.data} />}
    </Card>
  );
}

function SettingsForm({ initial }: { initial: SharingSettings }) {
  const save = useSaveSharingSettings();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SharingSettings>({
    initialValues: initial,
    validate: Object.fromEntries(
      FIELDS.map(({ key, min, max }) => [
        key,
        (value: unknown) =>
          typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
            ? null
            : `A whole number from ${min} to ${max}`,
      ]),
    ),
  });
  const submit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      await save.mutateAsync(values);
      notifyDone('Sharing settings saved');
    } catch (error) {
      const field = errorField(
        error,
        Object.fromEntries([...FIELDS.map((f) => [f.key, f.key]), ['policy', 'policy']]),
      );
      if (field) form.setFieldError(field, fieldMessage(error));
      else setFormError(errorMessage(error));
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {formError && (
          <Alert color="red" role="alert" title="Not saved">
            {formError}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {FIELDS.map((field) => (
            <NumberInput
              key={field.key}
              label={field.label}
              description={field.description}
              min={field.min}
              max={field.max}
              allowDecimal={false}
              {...form.getInputProps(field.key)}
            />
          ))}
        </SimpleGrid>
        <Select
          label="When an alert is raised"
          data={POLICIES}
          allowDeselect={false}
          {...form.getInputProps('policy')}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
