import { type FormValidateInput, type UseFormReturnType, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';

/**
 * An edit form of one record: values from the record, validated on blur, saved by `save`; on
 * success the saved record becomes the form's clean state and a short notice says so.
 */
export function useRecordForm<Values extends object, Saved>(options: {
  record: Saved;
  valuesOf(record: Saved): Values;
  validate: FormValidateInput<Values>;
  save(values: Values): Promise<Saved>;
  onSaved(record: Saved): void;
  onError?(error: unknown, form: UseFormReturnType<Values>): void;
  savedMessage: string;
}) {
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: options.valuesOf(options.record),
    validate: options.validate,
    validateInputOnBlur: true,
  });
  const save = useMutation({
    mutationFn: options.save,
    onSuccess: (saved) => {
      options.onSaved(saved);
      form.resetDirty(options.valuesOf(saved));
      notifications.show({
        color: 'green',
        message: options.savedMessage,
        closeButtonProps: { 'aria-label': 'Dismiss' },
      });
    },
    onError: (error) => options.onError?.(error, form),
  });
  return { form, save };
}
