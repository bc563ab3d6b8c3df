import { Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode, useState } from 'react';
import { errorMessage } from './api-errors.ts';

interface ConfirmButtonProps extends Omit<ButtonProps, 'onClick' | 'children'> {
  /** The button's text, also the dialog's confirm button. */
  label: string;
  title: string;
  /** What happens, in plain words (shown in the dialog). */
  explanation: ReactNode;
  onConfirm: () => Promise<unknown>;
  /** Destructive actions are red. */
  danger?: boolean;
}

/** A button that asks before it acts; the dialog stays open with the API's message if it fails. */
export function ConfirmButton({
  label,
  title,
  explanation,
  onConfirm,
  danger = true,
  ...button
}: ConfirmButtonProps) {
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await onConfirm();
      close();
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button color={danger ? 'red.9' : undefined} variant="outline" {...button} onClick={open}>
        {label}
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={title}
        centered
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <Text>{explanation}</Text>
          {failure && (
            <Text c="red.9" role="alert">
              {failure}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color={danger ? 'red.9' : undefined} loading={busy} onClick={confirm}>
              {label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
