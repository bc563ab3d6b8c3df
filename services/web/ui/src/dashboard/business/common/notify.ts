import { notifications } from '@mantine/notifications';

/** A short confirmation; its close button is labelled (axe-core: button-name). */
export function notifyDone(message: string): void {
  notifications.show({ color: 'teal', message, closeButtonProps: { 'aria-label': 'Close message' } });
}
