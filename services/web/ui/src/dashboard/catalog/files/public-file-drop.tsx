import { Alert, Group, Stack, Text } from '@mantine/core';
import { Dropzone, type FileRejection } from '@mantine/dropzone';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { apiPutFile } from '../../../shared/api-client.ts';
import { errorMessage } from '../../../shared/api-errors.ts';
import { dropRejectionMessage } from './drop-rejection.ts';
import { formatBytes } from './file-size.ts';

export interface PublicFileRule {
  /** What the file is ("Artwork"); the drop area is named after it. */
  label: string;
  /** Accepted types and extensions, for the file picker and the check before sending. */
  accept: Record<string, string[]>;
  /** In words, for the message on a wrong type ("JPEG or PNG"). */
  acceptText: string;
  maxBytes: number;
  /** The Content-Type to send (the browser's type may be empty for .srt/.vtt). */
  contentTypeOf(file: File): string | null;
  /** A check the browser can make before sending (e.g. image dimensions): the problem, or null. */
  check?(file: File): Promise<string | null>;
}

/**
 * A small public file (artwork, transcript, chapters) dropped or picked, checked here (type, size,
 * `check`), then PUT as the raw body to `path`; the server's answer (400/413/415) is shown if it
 * disagrees.
 */
export function PublicFileDrop<T>({
  rule,
  path,
  onStored,
  hint,
}: {
  rule: PublicFileRule;
  path: string;
  onStored(result: T, file: File): void;
  hint?: string;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const contentType = rule.contentTypeOf(file);
      if (!contentType) throw new Error(`${file.name} is not ${rule.acceptText}.`);
      const found = await rule.check?.(file);
      if (found) throw new Error(found);
      return apiPutFile<T>(path, file, contentType);
    },
    onSuccess: (result, file) => onStored(result, file),
  });

  const reject = (rejections: FileRejection[]) =>
    setProblem(dropRejectionMessage(rejections, { ...rule, what: `${rule.label.toLowerCase()} files` }));

  return (
    <Stack gap="xs">
      <Dropzone
        onDrop={(files) => {
          setProblem(null);
          const file = files[0];
          if (file) upload.mutate(file);
        }}
        onReject={reject}
        accept={rule.accept}
        maxSize={rule.maxBytes}
        multiple={false}
        loading={upload.isPending}
        aria-label={`${rule.label}: drop a file or choose one`}
        inputProps={{ 'aria-label': `${rule.label} file` }}
      >
        <Group justify="center" mih={72} style={{ pointerEvents: 'none' }}>
          <div>
            <Text fw={500}>Drop the {rule.label.toLowerCase()} here, or click to choose it</Text>
            <Text size="sm" c="dark.5">
              {rule.acceptText}, up to {formatBytes(rule.maxBytes)}
              {hint ? `. ${hint}` : ''}
            </Text>
          </div>
        </Group>
      </Dropzone>
      {(problem || upload.isError) && (
        <Alert color="red" role="alert">
          {problem ?? errorMessage(upload.error)}
        </Alert>
      )}
      {upload.isSuccess && !problem && (
        <Text size="sm" c="teal.9" role="status">
          {upload.variables.name} stored.
        </Text>
      )}
    </Stack>
  );
}
