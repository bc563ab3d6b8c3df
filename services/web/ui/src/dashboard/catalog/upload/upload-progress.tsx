import { Group, Progress, Stack, Text } from '@mantine/core';
import { formatBytes, formatDuration } from '../files/file-size.ts';
import type { UploadSnapshot } from './upload-engine.ts';

/** Bytes, per cent, speed and time left; an accessible progress bar (role=progressbar with a value). */
export function UploadProgress({ snapshot }: { snapshot: UploadSnapshot }) {
  const percent = snapshot.totalBytes ? (snapshot.sentBytes / snapshot.totalBytes) * 100 : 0;
  const rounded = Math.floor(percent);
  const moving = snapshot.phase === 'uploading';
  const left =
    snapshot.bytesPerSecond > 0 ? (snapshot.totalBytes - snapshot.sentBytes) / snapshot.bytesPerSecond : NaN;
  return (
    <Stack gap={6}>
      <Progress.Root size="lg">
        <Progress.Section
          value={percent}
          animated={moving}
          striped={moving}
          color={snapshot.phase === 'interrupted' || snapshot.phase === 'failed' ? 'orange.9' : undefined}
          aria-label={`Upload of ${snapshot.fileName}`}
          aria-valuetext={`${rounded}%`}
          data-testid="upload-progress"
          data-percent={rounded}
        />
      </Progress.Root>
      <Group justify="space-between" gap="xs">
        <Text size="sm" data-testid="upload-bytes">
          {formatBytes(snapshot.sentBytes)} of {formatBytes(snapshot.totalBytes)} ({rounded}%)
        </Text>
        {moving && (
          <Text size="sm" c="dark.5">
            {snapshot.bytesPerSecond > 0
              ? `${formatBytes(snapshot.bytesPerSecond)}/s · ${formatDuration(left)} left`
              : 'measuring speed…'}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
