import type { FileRejection } from '@mantine/dropzone';
import { formatBytes } from './file-size.ts';

export const tooLargeMessage = (file: File, what: string, maxBytes: number) =>
  `${file.name} is ${formatBytes(file.size)}; ${what} may be at most ${formatBytes(maxBytes)}.`;

/** Why the drop area refused a file, in words (too large, wrong type), before anything is sent. */
export function dropRejectionMessage(
  rejections: FileRejection[],
  rule: { what: string; acceptText: string; maxBytes: number },
): string | null {
  const first = rejections[0];
  if (!first) return null;
  const code = first.errors[0]?.code;
  if (code === 'file-too-large') return tooLargeMessage(first.file, rule.what, rule.maxBytes);
  if (code === 'file-invalid-type') return `${first.file.name} is not ${rule.acceptText}.`;
  return first.errors[0]?.message ?? 'This file cannot be used.';
}
