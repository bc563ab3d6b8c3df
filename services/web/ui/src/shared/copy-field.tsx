import { ActionIcon, CopyButton, Group, Text, TextInput, Tooltip } from '@mantine/core';

/** A read-only value (a feed URL, a new API key) with a labelled copy button. */
export function CopyField({
  label,
  value,
  description,
}: {
  label: string;
  value: string;
  description?: string;
}) {
  return (
    <Group align="end" gap="xs" wrap="nowrap">
      <TextInput
        label={label}
        description={description}
        value={value}
        readOnly
        style={{ flex: 1 }}
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
            <ActionIcon
              size="lg"
              variant={copied ? 'filled' : 'light'}
              onClick={copy}
              aria-label={`Copy ${label.toLowerCase()}`}
              mb={2}
            >
              <Text size="xs" fw={700} aria-hidden>
                {copied ? '✓' : '⧉'}
              </Text>
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
