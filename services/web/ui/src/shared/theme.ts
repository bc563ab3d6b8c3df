import { Alert, createTheme } from '@mantine/core';
import './contrast.css';

// Colours chosen for WCAG 2.2 AA contrast on white (axe-core checks every page in the browser tests);
// contrast.css darkens Mantine's grey and error text. A light alert's title takes its colour's bright
// shade (orange: 3.6:1 on its background): it gets the text colour; icon and border keep the colour.
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' } } }),
  },
});
