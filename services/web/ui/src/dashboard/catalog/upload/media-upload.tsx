import { Alert, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Dropzone, type FileRejection } from '@mantine/dropzone';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-client.ts';
import { type Episode, episodeKey, episodesKey } from '../episodes/episodes.api.ts';
import { dropRejectionMessage, tooLargeMessage } from '../files/drop-rejection.ts';
import { formatBytes } from '../files/file-size.ts';
import { MAX_MEDIA_BYTES, MEDIA_ACCEPT, MEDIA_ACCEPT_TEXT, mediaContentType } from './media-rules.ts';
import { abortUpload, uploadParts } from './upload.api.ts';
import { UploadEngine, type UploadSnapshot } from './upload-engine.ts';
import { UploadProgress } from './upload-progress.tsx';
import { clearStoredUpload, isSameFile, loadStoredUpload, type StoredUpload } from './upload-store.ts';

const MEDIA_RULE = { what: 'episode audio', acceptText: MEDIA_ACCEPT_TEXT, maxBytes: MAX_MEDIA_BYTES };

/**
 * The episode's audio: drop or pick a file → straight to storage with a progress bar; pause, cancel,
 * resume after a dropped connection or a reload (the creator picks the same file again and only
 * the missing parts go).
 */
export function MediaUpload({ episode }: { episode: Episode }) {
  const queryClient = useQueryClient();
  const engine = useRef<UploadEngine | null>(null);
  const [snapshot, setSnapshot] = useState<UploadSnapshot | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [stored, setStored] = useState<StoredUpload | null>(() => loadStoredUpload(episode.id));
  const storedProgress = useStoredProgress(stored, () => {
    clearStoredUpload(episode.id);
    setStored(null);
  });

  useEffect(() => () => engine.current?.pause(), []);
  useEffect(() => {
    if (snapshot?.phase === 'ready') {
      queryClient.invalidateQueries({ queryKey: episodeKey(episode.id) });
      queryClient.invalidateQueries({ queryKey: episodesKey(episode.showId) });
    }
  }, [snapshot?.phase, episode.id, episode.showId, queryClient]);

  const busy = snapshot && ['starting', 'uploading', 'processing'].includes(snapshot.phase);

  const choose = (file: File) => {
    setProblem(null);
    const contentType = mediaContentType(file);
    if (!contentType) return setProblem(`${file.name} is not ${MEDIA_ACCEPT_TEXT}.`);
    if (file.size > MAX_MEDIA_BYTES)
      return setProblem(tooLargeMessage(file, MEDIA_RULE.what, MAX_MEDIA_BYTES));
    const next = new UploadEngine({ file, episodeId: episode.id, contentType, onChange: setSnapshot });
    engine.current = next;
    const resumable = stored && isSameFile(stored, file) ? stored : null;
    setStored(null);
    if (resumable) void next.resume(resumable.uploadId);
    else {
      // A different file replaces an interrupted upload: let storage drop the old parts.
      if (stored) void abortUpload(stored.uploadId).catch(() => undefined);
      void next.start();
    }
  };

  const reject = (rejections: FileRejection[]) => setProblem(dropRejectionMessage(rejections, MEDIA_RULE));

  return (
    <Card withBorder component="section" aria-labelledby="audio-heading">
      <Title order={2} size="h3" id="audio-heading">
        Audio
      </Title>
      <Stack mt="sm">
        {episode.media && snapshot?.phase !== 'uploading' && (
          <Text size="sm" data-testid="current-media">
            Current audio: <strong>{episode.media.fileName}</strong> ({formatBytes(episode.media.byteSize)}
            {episode.media.durationSeconds ? `, ${Math.round(episode.media.durationSeconds / 60)} min` : ''})
          </Text>
        )}
        {stored && !snapshot && (
          <Alert color="orange" title="An upload was interrupted" role="status">
            {stored.fileName} ({formatBytes(stored.size)})
            {storedProgress !== null ? ` stopped at ${storedProgress}%` : ''}. Choose the same file again to
            continue: only the missing parts are sent.
          </Alert>
        )}
        {!busy && (
          <Dropzone
            onDrop={(files) => files[0] && choose(files[0])}
            onReject={reject}
            accept={MEDIA_ACCEPT}
            maxSize={MAX_MEDIA_BYTES}
            multiple={false}
            aria-label="Audio file: drop a file or choose one"
            inputProps={{ 'aria-label': 'Audio file' }}
          >
            <Group justify="center" mih={96} style={{ pointerEvents: 'none' }}>
              <div>
                <Text fw={500}>
                  {stored
                    ? 'Drop the same file to resume'
                    : 'Drop the episode audio here, or click to choose it'}
                </Text>
                <Text size="sm" c="dark.5">
                  MP3, M4A, AAC, Ogg/Opus, WAV or FLAC, up to {formatBytes(MAX_MEDIA_BYTES)}
                </Text>
              </div>
            </Group>
          </Dropzone>
        )}
        {problem && (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        )}
        {snapshot && snapshot.phase !== 'cancelled' && (
          <UploadStatus snapshot={snapshot} engine={engine.current} />
        )}
      </Stack>
    </Card>
  );
}

function UploadStatus({ snapshot, engine }: { snapshot: UploadSnapshot; engine: UploadEngine | null }) {
  return (
    <Stack gap="xs">
      {snapshot.phase !== 'ready' && <UploadProgress snapshot={snapshot} />}
      <Group gap="xs" aria-live="polite">
        {snapshot.phase === 'starting' && <Text size="sm">Preparing the upload…</Text>}
        {snapshot.phase === 'processing' && (
          <Group gap="xs">
            <Loader size="xs" aria-hidden />
            <Text size="sm" data-testid="upload-processing">
              Processing: checking the audio…
            </Text>
          </Group>
        )}
        {snapshot.phase === 'ready' && (
          <Text size="sm" c="teal.9" fw={600} data-testid="upload-ready">
            {snapshot.fileName} is uploaded and ready.
          </Text>
        )}
        {snapshot.phase === 'paused' && <Text size="sm">Paused.</Text>}
      </Group>
      {(snapshot.phase === 'interrupted' || snapshot.phase === 'failed') && (
        <Alert color={snapshot.phase === 'failed' ? 'red' : 'orange'} role="alert">
          {snapshot.message}
        </Alert>
      )}
      <Group>
        {snapshot.phase === 'uploading' && snapshot.multipart && (
          <Button variant="default" onClick={() => engine?.pause()}>
            Pause
          </Button>
        )}
        {(snapshot.phase === 'paused' || snapshot.phase === 'interrupted') && (
          <Button onClick={() => void engine?.resume()}>Resume</Button>
        )}
        {(snapshot.phase === 'uploading' ||
          snapshot.phase === 'paused' ||
          snapshot.phase === 'interrupted') && (
          <Button variant="default" onClick={() => void engine?.cancel()}>
            Cancel upload
          </Button>
        )}
        {snapshot.phase === 'failed' && !snapshot.multipart && (
          <Button variant="default" onClick={() => void engine?.start()}>
            Try again
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** How far a stored (interrupted) upload got, from storage; a finished or gone upload is forgotten. */
function useStoredProgress(stored: StoredUpload | null, forget: () => void): number | null {
  const progress = useQuery({
    queryKey: ['upload-parts', stored?.uploadId],
    enabled: !!stored,
    retry: false,
    queryFn: () => uploadParts(stored!.uploadId),
  });
  const gone = progress.error instanceof ApiError && [404, 409].includes(progress.error.status);
  // biome-ignore lint/correctness/useExhaustiveDependencies: forget is stable enough (clears storage)
  useEffect(() => {
    if (gone) forget();
  }, [gone]);
  if (!stored || !progress.data) return null;
  const sent = progress.data.parts.reduce((sum, part) => sum + part.size, 0);
  return Math.floor((sent / stored.size) * 100);
}
