import {
  Alert,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { errorField, errorMessage, fieldMessage } from '../common/api-errors.ts';
import { formatMoney, minorUnits } from '../common/formats.ts';
import type { Plan, PlanInput, ShowSummary } from './plans.api.ts';

const CURRENCIES = ['usd', 'eur', 'gbp', 'cad', 'aud', 'chf', 'sek', 'nok', 'dkk', 'jpy'];

interface PlanFormValues {
  name: string;
  description: string;
  /** In major units as typed (9.99); sent as minor units. */
  price: number | string;
  currency: string;
  interval: 'month' | 'year';
  trialDays: number | string;
  allowPromotionCodes: boolean;
  showIds: string[];
}

/** API field → form field, so the API's errors land next to the right input. */
const FIELD_OF: Record<string, keyof PlanFormValues> = {
  name: 'name',
  description: 'description',
  amount: 'price',
  currency: 'currency',
  interval: 'interval',
  trialDays: 'trialDays',
  allowPromotionCodes: 'allowPromotionCodes',
  showIds: 'showIds',
};

function initialValues(plan: Plan | undefined): PlanFormValues {
  if (!plan)
    return {
      name: '',
      description: '',
      price: '',
      currency: 'usd',
      interval: 'month',
      trialDays: 0,
      allowPromotionCodes: false,
      showIds: [],
    };
  return {
    name: plan.name,
    description: plan.description,
    price: plan.amount / minorUnits(plan.currency),
    currency: plan.currency.toLowerCase(),
    interval: plan.interval,
    trialDays: plan.trialDays,
    allowPromotionCodes: plan.allowPromotionCodes,
    showIds: plan.showIds,
  };
}

/** The bounds billing enforces (services/billing/src/routes/schemas.ts), checked before sending. */
function validatePrice(value: number | string, values: PlanFormValues) {
  const major = typeof value === 'number' ? value : Number.parseFloat(value);
  if (value === '' || !Number.isFinite(major)) return 'Enter a price';
  const minor = Math.round(major * minorUnits(values.currency));
  if (minor < 50)
    return `The price must be at least ${formatMoney(50, values.currency)} (Stripe's minimum charge)`;
  if (minor > 99_999_999) return 'The price is too high';
  return null;
}

function toInput(values: PlanFormValues): PlanInput {
  return {
    name: values.name.trim(),
    description: values.description,
    amount: Math.round(Number(values.price) * minorUnits(values.currency)),
    currency: values.currency,
    interval: values.interval,
    trialDays: Number(values.trialDays),
    allowPromotionCodes: values.allowPromotionCodes,
    showIds: values.showIds,
  };
}

/** Create or edit a plan: inline validation first, then the API's answer on the field it names. */
export function PlanForm({
  plan,
  shows,
  onSave,
}: {
  plan: Plan | undefined;
  shows: ShowSummary[];
  onSave: (input: PlanInput) => Promise<unknown>;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<PlanFormValues>({
    initialValues: initialValues(plan),
    validate: {
      name: (value) =>
        value.trim() === '' ? 'Give the plan a name' : value.length > 200 ? 'At most 200 characters' : null,
      description: (value) => (value.length > 2000 ? 'At most 2000 characters' : null),
      price: validatePrice,
      currency: (value) => (/^[a-z]{3}$/i.test(value) ? null : 'Choose a currency'),
      trialDays: (value) => {
        const days = Number(value);
        return value === '' || !Number.isInteger(days) || days < 0 || days > 730
          ? 'A whole number of days from 0 to 730'
          : null;
      },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      await onSave(toInput(values));
    } catch (error) {
      const field =
        errorField(error, FIELD_OF) ?? (/show/i.test(errorMessage(error)) ? 'showIds' : undefined);
      if (field) form.setFieldError(field, fieldMessage(error));
      else setFormError(errorMessage(error));
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={640}>
        {formError && (
          <Alert color="red" title="The plan was not saved" role="alert">
            {formError}
          </Alert>
        )}
        <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <NumberInput
            label="Price"
            withAsterisk
            min={0}
            decimalScale={2}
            hideControls
            {...form.getInputProps('price')}
          />
          <Select
            label="Currency"
            data={CURRENCIES.map((code) => ({ value: code, label: code.toUpperCase() }))}
            allowDeselect={false}
            {...form.getInputProps('currency')}
          />
        </SimpleGrid>
        <Radio.Group label="Billed every" {...form.getInputProps('interval')}>
          <Group mt="xs">
            <Radio value="month" label="Month" />
            <Radio value="year" label="Year" />
          </Group>
        </Radio.Group>
        <NumberInput
          label="Free trial (days)"
          description="0 for no trial"
          min={0}
          max={730}
          allowDecimal={false}
          {...form.getInputProps('trialDays')}
        />
        <Checkbox
          label="Listeners may enter a promotion code at checkout"
          {...form.getInputProps('allowPromotionCodes', { type: 'checkbox' })}
        />
        <MultiSelect
          label="Shows included"
          description="Subscribers get every premium episode of these shows"
          data={shows.map((show) => ({ value: show.id, label: show.title }))}
          searchable
          clearable
          {...form.getInputProps('showIds')}
        />
        <Group>
          <Button type="submit" loading={form.submitting}>
            {plan ? 'Save changes' : 'Create plan'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
